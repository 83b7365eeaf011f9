import type { EnvReader } from './env-parsers';

/** What one million tokens cost, in the organisation's currency. */
export interface ModelPrice {
  input: number;
  output: number;
}

const ENTRY = /^([^=\s]+)=(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/;

/**
 * LLM_PRICES: `model=input/output` per million tokens, comma-separated, e.g.
 * `mistral-small-latest=0.2/0.6,mistral-embed=0.1/0`. Models not listed have no cost.
 */
export function readModelPrices(read: EnvReader): Record<string, ModelPrice> {
  const prices: Record<string, ModelPrice> = {};
  for (const entry of read.list('LLM_PRICES', [])) {
    const match = ENTRY.exec(entry);
    if (!match) {
      read.fail('LLM_PRICES', `entries must look like model=input/output (prices per million tokens), e.g. mistral-small-latest=0.2/0.6; got "${entry.slice(0, 80)}"`);
      continue;
    }
    prices[match[1]] = { input: Number(match[2]), output: Number(match[3]) };
  }
  return prices;
}
