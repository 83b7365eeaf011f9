import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import { ApiClient } from './lib/api-client';
import { cpuMs, processTree, treeCpuMs, treeRssMb } from './lib/processes';
import { percentile, round } from './lib/stats';
import { sseTokenEvent, TokenEvent, TokenTally } from './lib/tokens';

/** The simulated upstream: first token after `ttftMs`, then one every `interTokenMs`, `words` tokens in all. */
export interface StreamProfile {
  ttftMs: number;
  interTokenMs: number;
  words: number;
}

export interface Run {
  ttftMs: number;
  tokensPerSecond: number;
  tokens: number;
  ordered: boolean;
}

export interface StreamingLevel {
  concurrency: number;
  direct: { ttft_p50: number | null; ttft_p99: number | null; tokens_per_s: number | null; cpu: CpuUse };
  sse: LevelResult;
  socket: LevelResult;
}

interface LevelResult {
  ttft_p50: number | null;
  ttft_p99: number | null;
  added_ttft_p50_ms: number | null;
  added_ttft_p99_ms: number | null;
  /** The same conversations all sending in the same millisecond, once: the worst case, beside the steady state. */
  burst_added_ttft_p99_ms: number | null;
  tokens_per_s: number | null;
  relay_ratio: number | null;
  /** Runs whose tokens all came at once: the client connected after the answer had ended (SSE). */
  replayed: number;
  lost_or_reordered: number;
  cpu?: CpuUse;
}

/** Where the cores went during the steady-state phase: percent of one core per process, and the API's CPU per answer. */
export interface CpuUse {
  /** CPU of the API's processes (a clustered primary and its workers summed) per answer. */
  api_ms_per_answer: number | null;
  api_pct: number | null;
  /** How many processes the API was (1, or a primary and its workers). */
  api_processes: number;
  simulator_pct: number | null;
  clients_pct: number | null;
  /** Answers completed per second of the phase. */
  answers_per_s: number | null;
}

/** Runs `work` and measures the CPU that the API (all its processes), the simulator and this process (the clients) spent meanwhile. */
export async function withCpu(pids: { api: number; simulator: number }, work: () => Promise<Run[]>): Promise<{ runs: Run[]; cpu: CpuUse }> {
  const start = { wall: performance.now(), api: treeCpuMs(pids.api), simulator: cpuMs(pids.simulator), clients: process.cpuUsage() };
  const runs = await work();
  const wall = performance.now() - start.wall;
  const clients = process.cpuUsage(start.clients);
  const api = treeCpuMs(pids.api) - start.api;
  return {
    runs,
    cpu: {
      api_ms_per_answer: round(api / runs.length, 2),
      api_pct: round((api / wall) * 100),
      api_processes: processTree(pids.api).length,
      simulator_pct: round(((cpuMs(pids.simulator) - start.simulator) / wall) * 100),
      clients_pct: round(((clients.user + clients.system) / 1000 / wall) * 100),
      answers_per_s: round((runs.length / wall) * 1000),
    },
  };
}

export async function simConfig(simUrl: string, profile: StreamProfile): Promise<void> {
  const body = { ttft_ms: profile.ttftMs, inter_token_ms: profile.interTokenMs, reply_words: profile.words };
  await fetch(simUrl.replace(/\/v1$/, '/sim/config'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

export const answerMs = (profile: StreamProfile) => profile.ttftMs + profile.words * profile.interTokenMs;

/** Runs that lost or reordered a token, or did not get the whole answer. */
export const lostOrReordered = (runs: Run[], expectedTokens: number) => runs.filter((r) => !r.ordered || r.tokens !== expectedTokens).length;

// Tokens arriving this many times faster than the simulator sends them were replayed from the log.
const REPLAYED_FACTOR = 5;
// Each conversation sends this many messages one after the other, unless told otherwise.
const ROUNDS = 3;

function summarise(runs: Run[], direct: Run[], burst: Run[], directBurst: Run[], expectedTokens: number): LevelResult {
  const ttft = runs.map((r) => r.ttftMs);
  const directTtft = direct.map((r) => r.ttftMs);
  const directRate = percentile(direct.map((r) => r.tokensPerSecond), 50);
  // An SSE client that connects after its answer has ended gets the logged
  // tokens at once (possibly in one event, so no rate at all): counted apart, as that is no relay rate.
  const live = runs.filter((r) => r.tokensPerSecond <= REPLAYED_FACTOR * directRate);
  const rate = percentile(live.map((r) => r.tokensPerSecond), 50);
  return {
    ttft_p50: round(percentile(ttft, 50)),
    ttft_p99: round(percentile(ttft, 99)),
    added_ttft_p50_ms: round(percentile(ttft, 50) - percentile(directTtft, 50)),
    added_ttft_p99_ms: round(percentile(ttft, 99) - percentile(directTtft, 99)),
    burst_added_ttft_p99_ms: round(percentile(burst.map((r) => r.ttftMs), 99) - percentile(directBurst.map((r) => r.ttftMs), 99)),
    tokens_per_s: round(rate),
    relay_ratio: round(rate / directRate, 3),
    replayed: runs.length - live.length,
    lost_or_reordered: lostOrReordered([...runs, ...burst], expectedTokens),
  };
}

/**
 * `count` conversations at once, each sending `rounds` messages back to back.
 * Their first sends are spread evenly over one answer's duration, so that, as
 * with real users, conversations are at every stage at any moment (waiting,
 * streaming, sending) instead of all sending in the same millisecond.
 */
export async function converse(count: number, answerMs: number, rounds: number, run: (i: number) => Promise<Run>): Promise<Run[]> {
  const perConversation = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, (i / count) * answerMs));
      const runs: Run[] = [];
      for (let round = 0; round < rounds; round++) runs.push(await run(i));
      return runs;
    }),
  );
  return perConversation.flat();
}

/** Tokens per second after the first event (whose tokens all arrived at its time). */
function tokenRate(times: number[], tally: TokenTally): number {
  return times.length > 1 ? ((tally.tokens - tally.firstEventTokens) / (times[times.length - 1] - times[0])) * 1000 : NaN;
}

function runOf(start: number, times: number[], tally: TokenTally): Run {
  return { ttftMs: times[0] - start, tokensPerSecond: tokenRate(times, tally), tokens: tally.tokens, ordered: tally.ordered };
}

/** The floor: a client streaming straight from the simulator. */
export async function direct(simUrl: string): Promise<Run> {
  const start = performance.now();
  const response = await fetch(`${simUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer bench' },
    body: JSON.stringify({ model: 'sim-chat', stream: true, messages: [{ role: 'user', content: 'bench' }] }),
  });
  const times: number[] = [];
  const tally = new TokenTally();
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body!) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!(line.startsWith('data: {') && line.includes('"content"'))) continue;
      // The upstream sends one token per chunk, numbered here as the API numbers them.
      tally.add({ seq: tally.tokens + 1 });
      times.push(performance.now());
    }
  }
  return runOf(start, times, tally);
}

/** One send through the API, its answer read over SSE: POST /api/messages, then GET /api/messages/stream/{chat_id}. */
export async function viaSse(api: ApiClient, chatId: number): Promise<Run> {
  const start = performance.now();
  await api.call('POST', '/api/messages', { chat_id: chatId, content: 'bench' });
  const response = await fetch(`${api.base}/api/messages/stream/${chatId}`, { headers: { Authorization: `Bearer ${api.token}` } });
  const times: number[] = [];
  const tally = new TokenTally();
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body!) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!block.includes('event: token')) continue;
      tally.add(sseTokenEvent(block));
      times.push(performance.now());
    }
  }
  return runOf(start, times, tally);
}

/**
 * One send through the API, its answer read from `message_token` events on a
 * socket that joined the chat. Events are kept apart by answer: a socket in
 * the chat also gets the answers of sends made over SSE, whose `message_done`
 * may come after this send began.
 */
export function viaSocket(api: ApiClient, socket: Socket, chatId: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const answers = new Map<number, { times: number[]; tally: TokenTally }>();
    const ended = new Set<number>();
    let answerId: number | undefined;
    const start = performance.now();
    const onToken = (event: TokenEvent & { chat_id: number; message_id: number }) => {
      if (event.chat_id !== chatId || (answerId !== undefined && event.message_id !== answerId)) return;
      let answer = answers.get(event.message_id);
      if (!answer) answers.set(event.message_id, (answer = { times: [], tally: new TokenTally() }));
      answer.tally.add(event);
      answer.times.push(performance.now());
    };
    const finish = () => {
      if (answerId === undefined || !ended.has(answerId)) return;
      socket.off('message_token', onToken);
      socket.off('message_done', onDone);
      socket.off('message_error', onError);
      const answer = answers.get(answerId) ?? { times: [], tally: new TokenTally() };
      resolve(runOf(start, answer.times, answer.tally));
    };
    const onDone = (event: { chat_id: number; message?: { id: number } }) => {
      if (event.chat_id !== chatId || event.message?.id === undefined) return;
      ended.add(event.message.id);
      finish();
    };
    // An answer that failed ends too (its missing tokens count as lost), rather than holding the run.
    const onError = (event: { chat_id: number; message_id: number }) => {
      if (event.chat_id !== chatId) return;
      ended.add(event.message_id);
      finish();
    };
    socket.on('message_token', onToken);
    socket.on('message_done', onDone);
    socket.on('message_error', onError);
    api.call<{ assistant_message: { id: number } }>('POST', '/api/messages', { chat_id: chatId, content: 'bench' }).then((sent) => {
      answerId = sent.assistant_message.id;
      finish();
    }, reject);
  });
}

export async function connectSockets(api: ApiClient, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, () => new Promise<Socket>((resolve, reject) => {
        const socket = io(api.base, { path: '/ws/socket.io', transports: ['websocket'], auth: { token: api.token }, reconnection: false, forceNew: true });
        socket.once('connected', () => resolve(socket));
        socket.once('connect_error', reject);
      })),
    );
    sockets.push(...batch);
  }
  return sockets;
}

/** Connects one socket per chat, each joined to its chat. */
export async function joinedSockets(api: ApiClient, ids: number[]): Promise<Socket[]> {
  const sockets = await connectSockets(api, ids.length);
  await Promise.all(sockets.map((socket, i) => socket.emitWithAck('join_chat', { chat_id: ids[i] })));
  return sockets;
}

/**
 * At each level, N conversations in steady state, then all at once, straight
 * from the simulator (the floor), through SSE and through Socket.IO, with the
 * upstream answering as `profile` says. `pids.api`: the API's process (its
 * descendants are counted with it).
 */
export async function benchStreaming(
  api: ApiClient,
  simUrl: string,
  pids: { api: number; simulator: number },
  chats: number[],
  levels: number[],
  profile: StreamProfile,
  rounds = ROUNDS,
) {
  await simConfig(simUrl, profile);
  const results: StreamingLevel[] = [];
  let rssDuringMaxStreams: { per_process: number[]; total: number } = { per_process: [], total: NaN };
  for (const concurrency of levels) {
    const ids = chats.slice(0, concurrency);
    const burstOf = (run: (i: number) => Promise<Run>) => Promise.all(ids.map((_id, i) => run(i)));
    const steady = (run: (i: number) => Promise<Run>) => withCpu(pids, () => converse(concurrency, answerMs(profile), rounds, run));
    const viaDirect = () => direct(simUrl);
    const directRuns = await steady(viaDirect);
    const directBurst = await burstOf(viaDirect);

    const atMax = concurrency === Math.max(...levels);
    let peak = { per_process: [] as number[], total: 0 };
    const sampler = atMax
      ? setInterval(() => {
          const now = treeRssMb(pids.api);
          if (now.total > peak.total) peak = now;
        }, 100)
      : undefined;
    const sse = (i: number) => viaSse(api, ids[i]);
    const sseRuns = await steady(sse);
    const sseBurst = await burstOf(sse);
    clearInterval(sampler);
    if (atMax) rssDuringMaxStreams = peak;

    const sockets = await joinedSockets(api, ids);
    const socket = (i: number) => viaSocket(api, sockets[i], ids[i]);
    const socketRuns = await steady(socket);
    const socketBurst = await burstOf(socket);
    sockets.forEach((s) => s.close());

    const directTtft = directRuns.runs.map((r) => r.ttftMs);
    results.push({
      concurrency,
      direct: {
        ttft_p50: round(percentile(directTtft, 50)),
        ttft_p99: round(percentile(directTtft, 99)),
        tokens_per_s: round(percentile(directRuns.runs.map((r) => r.tokensPerSecond), 50)),
        cpu: directRuns.cpu,
      },
      sse: { ...summarise(sseRuns.runs, directRuns.runs, sseBurst, directBurst, profile.words), cpu: sseRuns.cpu },
      socket: { ...summarise(socketRuns.runs, directRuns.runs, socketBurst, directBurst, profile.words), cpu: socketRuns.cpu },
    });
    console.log(`streaming ${profile.ttftMs}/${profile.interTokenMs} ms, ${concurrency}: ${JSON.stringify(results.at(-1))}`);
  }
  return {
    profile,
    rounds,
    levels: results,
    rss_during_max_streams_mb: round(rssDuringMaxStreams.total),
    rss_during_max_streams_per_process_mb: rssDuringMaxStreams.per_process.map((mb) => round(mb)),
  };
}
