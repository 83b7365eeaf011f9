import { ApiClient } from './lib/api-client';
import { profileApi, ProfileSummary } from './lib/cpu-profile';
import { startApi } from './lib/processes';
import { percentile, round } from './lib/stats';
import { direct, joinedSockets, lostOrReordered, Run, simConfig, StreamProfile, viaSocket, viaSse } from './streaming';

/** An upstream as fast as a good hosted model: what the API adds is then most of what a user waits for. */
export const FAST_PROFILE: StreamProfile = { ttftMs: 30, interTokenMs: 10, words: 50 };

export interface AddedTtft {
  direct_ttft_p50_ms: number | null;
  direct_ttft_p99_ms: number | null;
  sse_added_p50_ms: number | null;
  sse_added_p99_ms: number | null;
  socket_added_p50_ms: number | null;
  socket_added_p99_ms: number | null;
  answers: number;
  lost_or_reordered: number;
}

export interface BootSend {
  direct_ttft_ms: number | null;
  ttft_ms: number | null;
  added_ttft_ms: number | null;
  /** The second send on the same process, for comparison. */
  second_added_ttft_ms: number | null;
}

export interface FirstSendsAfterBoot {
  boots: BootSend[];
  /** Median of the boots' added TTFT. */
  added_ttft_p50_ms: number | null;
  lost_or_reordered: number;
}

const ttfts = (runs: Run[]) => runs.map((r) => r.ttftMs);

function added(directRuns: Run[], sse: Run[], socket: Run[]): AddedTtft {
  const at = (runs: Run[], q: number) => percentile(ttfts(runs), q);
  return {
    direct_ttft_p50_ms: round(at(directRuns, 50)),
    direct_ttft_p99_ms: round(at(directRuns, 99)),
    sse_added_p50_ms: round(at(sse, 50) - at(directRuns, 50)),
    sse_added_p99_ms: round(at(sse, 99) - at(directRuns, 99)),
    socket_added_p50_ms: round(at(socket, 50) - at(directRuns, 50)),
    socket_added_p99_ms: round(at(socket, 99) - at(directRuns, 99)),
    answers: sse.length + socket.length,
    lost_or_reordered: lostOrReordered([...sse, ...socket], FAST_PROFILE.words),
  };
}

/** The floor's TTFT right now: the median of a few direct calls. */
async function directTtft(simUrl: string, samples = 5): Promise<number> {
  const runs: Run[] = [];
  for (let i = 0; i < samples; i++) runs.push(await direct(simUrl));
  return percentile(ttfts(runs), 50);
}

/**
 * The very first send on a freshly started API, `boots` times, each on a new
 * process: only the readiness probe (`GET /api/health/ready`, as an
 * orchestrator sends) comes before it. The client signs in elsewhere (its
 * token stays valid across processes), so the send is the API's first real
 * request. Answered over SSE. Run before any other API is up, so it also
 * works with the embedded database.
 */
export async function benchFirstSendsAfterBoot(
  env: Record<string, string | undefined>,
  simUrl: string,
  token: string,
  chatId: number,
  boots: number,
): Promise<FirstSendsAfterBoot> {
  await simConfig(simUrl, FAST_PROFILE);
  const results: BootSend[] = [];
  const runs: Run[] = [];
  for (let i = 0; i < boots; i++) {
    const floor = await directTtft(simUrl);
    const api = await startApi(env);
    try {
      const client = new ApiClient(api.url);
      client.token = token;
      const first = await viaSse(client, chatId);
      const second = await viaSse(client, chatId);
      runs.push(first, second);
      results.push({ direct_ttft_ms: round(floor), ttft_ms: round(first.ttftMs), added_ttft_ms: round(first.ttftMs - floor), second_added_ttft_ms: round(second.ttftMs - floor) });
      console.log(`first send after boot ${i + 1}: ${JSON.stringify(results.at(-1))}`);
    } finally {
      await api.stop();
    }
  }
  return {
    boots: results,
    added_ttft_p50_ms: round(percentile(results.map((b) => b.added_ttft_ms ?? NaN).filter(Number.isFinite), 50)),
    lost_or_reordered: lostOrReordered(runs, FAST_PROFILE.words),
  };
}

/** Where a fresh API's first send spends its time: one more boot, profiled from its readiness to the end of that send's answer. */
export async function profileFirstSendAfterBoot(
  env: Record<string, string | undefined>,
  simUrl: string,
  token: string,
  chatId: number,
  profiler: { nodeArgs: string[]; file: string },
): Promise<ProfileSummary> {
  await simConfig(simUrl, FAST_PROFILE);
  const api = await startApi({ ...env, BENCH_CPU_PROFILE: profiler.file }, profiler.nodeArgs);
  try {
    const client = new ApiClient(api.url);
    client.token = token;
    return await profileApi(api.process.pid!, profiler.file, 'the first send after boot (SSE, from the send to the end of its answer)', () => viaSse(client, chatId));
  } finally {
    await api.stop();
  }
}

/**
 * One conversation on a warm API: `count` sends, each followed by its
 * answer, SSE, Socket.IO and the floor taken in turn so that all three see the
 * same moment's noise.
 */
export async function benchOneAtATime(client: ApiClient, simUrl: string, chatId: number, count: number): Promise<AddedTtft> {
  await simConfig(simUrl, FAST_PROFILE);
  const [socket] = await joinedSockets(client, [chatId]);
  try {
    // Warm-up, not measured: connections, caches, the JIT.
    for (let i = 0; i < 3; i++) await Promise.all([direct(simUrl), viaSse(client, chatId).then(() => viaSocket(client, socket, chatId))]);
    const runs = { direct: [] as Run[], sse: [] as Run[], socket: [] as Run[] };
    for (let i = 0; i < count; i++) {
      runs.direct.push(await direct(simUrl));
      runs.sse.push(await viaSse(client, chatId));
      runs.socket.push(await viaSocket(client, socket, chatId));
    }
    const result = added(runs.direct, runs.sse, runs.socket);
    console.log(`one at a time, warm: ${JSON.stringify(result)}`);
    return result;
  } finally {
    socket.close();
  }
}

/**
 * `chats.length` conversations sending in the same millisecond, `bursts`
 * times per path (floor, SSE, Socket.IO), each burst once the last has ended.
 */
export async function benchAllAtOnce(client: ApiClient, simUrl: string, chats: number[], bursts: number): Promise<AddedTtft & { concurrency: number; bursts: number }> {
  await simConfig(simUrl, FAST_PROFILE);
  const sockets = await joinedSockets(client, chats);
  try {
    const runs = { direct: [] as Run[], sse: [] as Run[], socket: [] as Run[] };
    for (let b = 0; b < bursts; b++) {
      runs.direct.push(...(await Promise.all(chats.map(() => direct(simUrl)))));
      runs.sse.push(...(await Promise.all(chats.map((id) => viaSse(client, id)))));
      runs.socket.push(...(await Promise.all(chats.map((id, i) => viaSocket(client, sockets[i], id)))));
    }
    const result = { concurrency: chats.length, bursts, ...added(runs.direct, runs.sse, runs.socket) };
    console.log(`${chats.length} at once: ${JSON.stringify(result)}`);
    return result;
  } finally {
    sockets.forEach((socket) => socket.close());
  }
}
