interface Encoder {
  encode(text: string, allowedSpecial?: string[], disallowedSpecial?: string[]): number[];
}

let encoder: Encoder | undefined;

// Every send counts the chat's recent history again: the same texts, whose
// encoding was most of a long chat's send cost and garbage. Oldest out first.
const MEMO_ENTRIES = 20_000;
const counted = new Map<string, number>();

/**
 * Token counts for fitting history into the context window. Mistral's own
 * tokenizer is not available offline; cl100k is within a few percent of it on
 * French and English text, and the budget keeps a margin for the difference.
 * (+4 per message for the role and separators.)
 */
export function countTokens(text: string): number {
  const known = counted.get(text);
  if (known !== undefined) return known;
  if (!encoder) {
    // Loaded on first use (building the encoder takes ~100 ms); required because
    // the package's typings are ESM-only while its CommonJS build works.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { getEncoding } = require('js-tiktoken') as { getEncoding(name: 'cl100k_base'): Encoder };
    encoder = getEncoding('cl100k_base');
  }
  const tokens = encoder.encode(text, [], []).length + 4;
  if (counted.size >= MEMO_ENTRIES) counted.delete(counted.keys().next().value!);
  counted.set(text, tokens);
  return tokens;
}
