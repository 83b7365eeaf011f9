/**
 * Runs the LLM simulator standalone (`npm run llm:sim`), e.g. to point a local
 * API at it or to benchmark without a real provider:
 *
 *   npm run llm:sim -- --port 8089 --ttft-ms 200 --inter-token-ms 10
 *
 * Flags win over the environment (SIM_PORT, SIM_HOST, SIM_TTFT_MS,
 * SIM_INTER_TOKEN_MS, SIM_API_KEY).
 */
import { parseArgs } from 'node:util';
import { LlmSimulator } from './llm-simulator';

const USAGE = `Usage: llm:sim [--port 8089] [--host 127.0.0.1] [--ttft-ms 200] [--inter-token-ms 10] [--api-key KEY]`;

function nonNegativeInteger(name: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number)) {
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  }
  return number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'ttft-ms': { type: 'string' },
      'inter-token-ms': { type: 'string' },
      'api-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const env = (name: string): string | undefined => process.env[name] || undefined;
  const simulator = await LlmSimulator.start({
    port: nonNegativeInteger('--port', values.port ?? env('SIM_PORT') ?? '8089'),
    host: values.host ?? env('SIM_HOST') ?? '127.0.0.1',
    ttftMs: nonNegativeInteger('--ttft-ms', values['ttft-ms'] ?? env('SIM_TTFT_MS') ?? '200'),
    interTokenMs: nonNegativeInteger('--inter-token-ms', values['inter-token-ms'] ?? env('SIM_INTER_TOKEN_MS') ?? '10'),
    apiKey: values['api-key'] ?? env('SIM_API_KEY'),
    // A long run would otherwise keep every request body in memory.
    recordRequests: false,
  });
  console.log(`LLM simulator listening on ${simulator.url}`);

  const stop = (signal: NodeJS.Signals): void => {
    console.log(`${signal} received, shutting down`);
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(2);
});
