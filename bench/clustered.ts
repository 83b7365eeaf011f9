import { ApiClient } from './lib/api-client';
import { Child, processTree, startApi, treeRssMb } from './lib/processes';
import { round } from './lib/stats';
import { benchStreaming, StreamProfile } from './streaming';

const WORKERS = 2;
// A clustered API that stops answering must not hold the run: the phase gives up after this long.
const PROBE_TIMEOUT_MS = 5000;

export interface ClusteredResult {
  /** Why the phase did not run (this build or this setup cannot cluster). */
  skipped?: string;
  /** Why the phase, having started, could not finish (an error, or answers that stopped coming): a missed target. */
  failed?: string;
  workers?: number;
  /** How many processes served (the primary and its workers), counted once they had all started. */
  processes?: number;
  streaming?: Awaited<ReturnType<typeof benchStreaming>>;
  /** RSS per process (primary first) and in total, once the phase is over. */
  rss_after_mb?: { per_process: (number | null)[]; total: number | null };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The last line of a failed start's output that says something (the refusal), not the whole log. */
function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  return (lines.reverse().find((line) => /WEB_CONCURRENCY|error|refus/i.test(line)) ?? lines[0] ?? 'no output').slice(0, 300);
}

/** Whether the API answers GET /api/health a few times in a row (each worker, likely), each within PROBE_TIMEOUT_MS. */
async function answers(url: string): Promise<boolean> {
  for (let i = 0; i < 2 * WORKERS; i++) {
    const ok = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then((r) => r.ok, () => false);
    if (!ok) return false;
  }
  return true;
}

/** `work`, or undefined once `seconds` have passed (its late failure is then ignored). */
function within<T>(seconds: number, work: Promise<T>): Promise<T | undefined> {
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), seconds * 1000)));
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Stops the primary, then any of its processes still alive (all started by this bench). */
async function stopAll(api: Child, pids: number[]): Promise<void> {
  await api.stop();
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
}

/**
 * The fast-upstream steady state again on an API started with
 * WEB_CONCURRENCY=2 (a primary and two workers on one port), beside the
 * single-process figures of the same run. It shares the run's PostgreSQL and
 * Redis, so the signed-in token and the chats are the same. Skipped, with the
 * reason, without DATABASE_URL and REDIS_URL, when the build does not
 * cluster (it refuses, or starts a single process), or when the clustered API
 * stops answering (the phase gives up after `deadlineSeconds`).
 */
export async function benchClustered(
  env: Record<string, string | undefined>,
  simulator: { url: string; pid: number },
  token: string,
  chats: number[],
  levels: number[],
  profile: StreamProfile,
  rounds: number,
  deadlineSeconds: number,
): Promise<ClusteredResult> {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) return { skipped: 'needs DATABASE_URL and REDIS_URL (the workers share them)' };
  let api: Child;
  try {
    api = await startApi({ ...env, WEB_CONCURRENCY: String(WORKERS) });
  } catch (error) {
    return { skipped: `the API did not start with WEB_CONCURRENCY=${WORKERS}: ${reason(error)}` };
  }
  const pid = api.process.pid!;
  // Workers may still be forking when the first one answers the readiness probe.
  for (let i = 0; i < 50 && processTree(pid).length < WORKERS + 1; i++) await sleep(100);
  const pids = processTree(pid);
  try {
    if (pids.length < WORKERS + 1) return { skipped: `WEB_CONCURRENCY=${WORKERS} started ${pids.length} process(es): this build does not cluster` };
    if (!(await answers(api.url))) return { failed: `the API with WEB_CONCURRENCY=${WORKERS} stopped answering GET /api/health once started` };
    const client = new ApiClient(api.url);
    client.token = token;
    let error: string | undefined;
    const run = benchStreaming(client, simulator.url, { api: pid, simulator: simulator.pid }, chats, levels, profile, rounds).catch((e: unknown) => {
      error = reason(e);
      return undefined;
    });
    const streaming = await within(deadlineSeconds, run);
    if (error) return { failed: error };
    if (!streaming) return { failed: `the phase did not end within ${deadlineSeconds} s (answers stopped coming)` };
    const rss = treeRssMb(pid);
    return {
      workers: WORKERS,
      processes: pids.length,
      streaming,
      rss_after_mb: { per_process: rss.per_process.map((mb) => round(mb)), total: round(rss.total) },
    };
  } finally {
    await stopAll(api, pids);
  }
}
