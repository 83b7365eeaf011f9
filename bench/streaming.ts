import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import { ApiClient } from './lib/api-client';
import { cpuMs, rssMb } from './lib/processes';
import { percentile, round } from './lib/stats';

interface Run {
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
interface CpuUse {
  api_ms_per_answer: number | null;
  api_pct: number | null;
  simulator_pct: number | null;
  clients_pct: number | null;
}

/** Runs `work` and measures the CPU that the API, the simulator and this process (the clients) spent meanwhile. */
async function withCpu(pids: { api: number; simulator: number }, work: () => Promise<Run[]>): Promise<{ runs: Run[]; cpu: CpuUse }> {
  const start = { wall: performance.now(), api: cpuMs(pids.api), simulator: cpuMs(pids.simulator), clients: process.cpuUsage() };
  const runs = await work();
  const wall = performance.now() - start.wall;
  const clients = process.cpuUsage(start.clients);
  const api = cpuMs(pids.api) - start.api;
  return {
    runs,
    cpu: {
      api_ms_per_answer: round(api / runs.length, 2),
      api_pct: round((api / wall) * 100),
      simulator_pct: round(((cpuMs(pids.simulator) - start.simulator) / wall) * 100),
      clients_pct: round(((clients.user + clients.system) / 1000 / wall) * 100),
    },
  };
}

const EXPECTED_TOKENS = 50;
// Tokens arriving this many times faster than the simulator sends them were replayed from the log.
const REPLAYED_FACTOR = 5;
// Each conversation sends this many messages one after the other.
const ROUNDS = 3;

function summarise(runs: Run[], direct: Run[], burst: Run[], directBurst: Run[]): LevelResult {
  const ttft = runs.map((r) => r.ttftMs);
  const directTtft = direct.map((r) => r.ttftMs);
  const directRate = percentile(direct.map((r) => r.tokensPerSecond), 50);
  // An SSE client that connects after its answer has ended gets the logged
  // tokens at once: counted apart, as that is no relay rate.
  const live = runs.filter((r) => !(r.tokensPerSecond > REPLAYED_FACTOR * directRate));
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
    lost_or_reordered: [...runs, ...burst].filter((r) => !r.ordered || r.tokens !== EXPECTED_TOKENS).length,
  };
}

/**
 * `count` conversations at once, each sending ROUNDS messages back to back.
 * Their first sends are spread evenly over one answer's duration, so that, as
 * with real users, conversations are at every stage at any moment (waiting,
 * streaming, sending) instead of all sending in the same millisecond.
 */
async function converse(count: number, answerMs: number, run: (i: number) => Promise<Run>): Promise<Run[]> {
  const perConversation = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, (i / count) * answerMs));
      const runs: Run[] = [];
      for (let round = 0; round < ROUNDS; round++) runs.push(await run(i));
      return runs;
    }),
  );
  return perConversation.flat();
}

function tokenRate(times: number[]): number {
  return times.length > 1 ? ((times.length - 1) / (times[times.length - 1] - times[0])) * 1000 : NaN;
}

/** The floor: a client streaming straight from the simulator. */
async function direct(simUrl: string): Promise<Run> {
  const start = performance.now();
  const response = await fetch(`${simUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer bench' },
    body: JSON.stringify({ model: 'sim-chat', stream: true, messages: [{ role: 'user', content: 'bench' }] }),
  });
  const times: number[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body!) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (line.startsWith('data: {') && line.includes('"content"')) times.push(performance.now());
    }
  }
  return { ttftMs: times[0] - start, tokensPerSecond: tokenRate(times), tokens: times.length, ordered: true };
}

async function viaSse(api: ApiClient, chatId: number): Promise<Run> {
  const start = performance.now();
  await api.call('POST', '/api/messages', { chat_id: chatId, content: 'bench' });
  const response = await fetch(`${api.base}/api/messages/stream/${chatId}`, { headers: { Authorization: `Bearer ${api.token}` } });
  const times: number[] = [];
  let ordered = true;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body!) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!block.includes('event: token')) continue;
      const seq = Number(/"seq":(\d+)/.exec(block)?.[1]);
      if (seq !== times.length + 1) ordered = false;
      times.push(performance.now());
    }
  }
  return { ttftMs: times[0] - start, tokensPerSecond: tokenRate(times), tokens: times.length, ordered };
}

function viaSocket(api: ApiClient, socket: Socket, chatId: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const times: number[] = [];
    let ordered = true;
    const start = performance.now();
    const onToken = (event: { chat_id: number; seq: number }) => {
      if (event.chat_id !== chatId) return;
      if (event.seq !== times.length + 1) ordered = false;
      times.push(performance.now());
    };
    const onDone = (event: { chat_id: number }) => {
      if (event.chat_id !== chatId) return;
      socket.off('message_token', onToken);
      socket.off('message_done', onDone);
      resolve({ ttftMs: times[0] - start, tokensPerSecond: tokenRate(times), tokens: times.length, ordered });
    };
    socket.on('message_token', onToken);
    socket.on('message_done', onDone);
    api.call('POST', '/api/messages', { chat_id: chatId, content: 'bench' }).catch(reject);
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

export async function benchStreaming(api: ApiClient, simUrl: string, pids: { api: number; simulator: number }, chats: number[], levels: number[], answerMs: number) {
  const results: StreamingLevel[] = [];
  let rssDuringMaxStreams = NaN;
  for (const concurrency of levels) {
    const ids = chats.slice(0, concurrency);
    const burstOf = (run: (i: number) => Promise<Run>) => Promise.all(ids.map((_id, i) => run(i)));
    const steady = (run: (i: number) => Promise<Run>) => withCpu(pids, () => converse(concurrency, answerMs, run));
    const viaDirect = () => direct(simUrl);
    const directRuns = await steady(viaDirect);
    const directBurst = await burstOf(viaDirect);

    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pids.api))), 100);
    const sse = (i: number) => viaSse(api, ids[i]);
    const sseRuns = await steady(sse);
    const sseBurst = await burstOf(sse);
    clearInterval(sampler);
    if (concurrency === Math.max(...levels)) rssDuringMaxStreams = peak;

    const sockets = await connectSockets(api, concurrency);
    await Promise.all(sockets.map((socket, i) => socket.emitWithAck('join_chat', { chat_id: ids[i] })));
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
      sse: { ...summarise(sseRuns.runs, directRuns.runs, sseBurst, directBurst), cpu: sseRuns.cpu },
      socket: { ...summarise(socketRuns.runs, directRuns.runs, socketBurst, directBurst), cpu: socketRuns.cpu },
    });
    console.log(`streaming ${concurrency}: ${JSON.stringify(results.at(-1))}`);
  }
  return { rounds: ROUNDS, levels: results, rss_during_max_streams_mb: round(rssDuringMaxStreams) };
}
