import { startBareRelay } from './lib/processes';
import { percentile, round } from './lib/stats';
import { answerMs, converse, CpuUse, direct, lostOrReordered, Run, simConfig, StreamProfile, withCpu } from './streaming';

export interface RelayFloor {
  concurrency: number;
  /** TTFT through the bare relay minus straight from the simulator, p50 / p99. */
  added_ttft_p50_ms: number | null;
  added_ttft_p99_ms: number | null;
  /** The bare relay's CPU per answer: below this no API on this machine can go. */
  cpu: CpuUse;
  lost_or_reordered: number;
}

/**
 * The machine's floor for the steady-state figures: `concurrency`
 * conversations in steady state through a bare relay (bench/lib/bare-relay.ts:
 * one read from the upstream and one write to the client per token, nothing
 * else), then straight from the simulator, measured as the API is.
 */
export async function benchRelayFloor(simulator: { url: string; pid: number }, concurrency: number, profile: StreamProfile, rounds: number): Promise<RelayFloor> {
  await simConfig(simulator.url, profile);
  const relay = await startBareRelay(simulator.url);
  try {
    const steady = (pid: number, url: string) => withCpu({ api: pid, simulator: simulator.pid }, () => converse(concurrency, answerMs(profile), rounds, () => direct(url)));
    const relayed = await steady(relay.process.pid!, relay.url);
    const straight: Run[] = (await steady(relay.process.pid!, simulator.url)).runs;
    const ttft = (runs: Run[], q: number) => percentile(runs.map((r) => r.ttftMs), q);
    const result = {
      concurrency,
      added_ttft_p50_ms: round(ttft(relayed.runs, 50) - ttft(straight, 50)),
      added_ttft_p99_ms: round(ttft(relayed.runs, 99) - ttft(straight, 99)),
      cpu: relayed.cpu,
      lost_or_reordered: lostOrReordered(relayed.runs, profile.words),
    };
    console.log(`bare relay, ${concurrency} conversations: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await relay.stop();
  }
}
