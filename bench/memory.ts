import { performance } from 'node:perf_hooks';
import { ApiClient } from './lib/api-client';
import { cpuMs, rssMb } from './lib/processes';
import { round } from './lib/stats';

export interface MemoryOptions {
  /** A signed-in client (its user plays every conversation); absent: one is registered. */
  client?: ApiClient;
  /** The agent the chats are opened with; absent: a public one is created. */
  agentId?: number;
  /** The simulator's base URL (`…/v1`): each phase sets the answers it needs; absent: left as it is. */
  simUrl?: string;
  /** Messages sent and answered (stream: false), spread over `conversations` chats sending one after the other. */
  sends?: number;
  conversations?: number;
  /** Chats with an answer in flight at once, each followed over SSE. */
  streams?: number;
  /** How long the API is left alone before the last reading. */
  idleSeconds?: number;
  /** Sent as a bearer token to GET /metrics, for the heap figures (absent in development). */
  metricsToken?: string;
  log?: (line: string) => void;
}

/** What the V8 heap held at a reading, from the API's /metrics (one instance's, when several answer there). */
export interface HeapReading {
  heap_used_mb: number | null;
  heap_total_mb: number | null;
  external_mb: number | null;
}

export interface MemoryResult {
  start_mb: number | null;
  after_sends_mb: number | null;
  /** The highest reading while the streams were open. */
  during_streams_peak_mb: number | null;
  after_streams_mb: number | null;
  after_idle_mb: number | null;
  heap: { start: HeapReading; after_sends: HeapReading; after_streams: HeapReading; after_idle: HeapReading };
  sends: number;
  send_errors: number;
  sends_seconds: number | null;
  /** CPU (user + system) the API process(es) spent per send, in ms. */
  api_cpu_ms_per_send: number | null;
  streams: number;
  /** Streams that ended with their answer's `done` event. */
  streams_completed: number;
  /** The most SSE streams open at the same moment. */
  streams_open_max: number;
  idle_seconds: number;
}

const DEFAULTS = { sends: 10_000, conversations: 20, streams: 500, idleSeconds: 60 };
// Short answers for the sends: ~50 tokens, with delays short enough that 10,000 fit in a few minutes.
const SEND_ANSWERS = { ttft_ms: 5, inter_token_ms: 1, reply_words: 50 };
// Long enough answers (about 15 s) that every stream is still open when the last one starts.
const STREAM_ANSWERS = { ttft_ms: 500, inter_token_ms: 300, reply_words: 50 };
// Streams opened at once, so that 500 connects are not one burst on one event loop.
const STREAM_BATCH = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The summed resident memory of the API's processes (the primary and its workers when clustered). */
function totalRss(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + rssMb(pid), 0);
}

function totalCpu(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
}

async function simConfig(simUrl: string | undefined, config: object): Promise<void> {
  if (!simUrl) return;
  await fetch(simUrl.replace(/\/v1$/, '/sim/config'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(config) });
}

async function heapReading(apiUrl: string, token?: string): Promise<HeapReading> {
  const empty = { heap_used_mb: null, heap_total_mb: null, external_mb: null };
  try {
    const response = await fetch(`${apiUrl}/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    if (!response.ok) return empty;
    const text = await response.text();
    const read = (name: string) => {
      const match = new RegExp(`^\\w*${name} (\\S+)`, 'm').exec(text);
      return match ? round(Number(match[1]) / 2 ** 20) : null;
    };
    return { heap_used_mb: read('nodejs_heap_size_used_bytes'), heap_total_mb: read('nodejs_heap_size_total_bytes'), external_mb: read('nodejs_external_memory_bytes') };
  } catch {
    return empty;
  }
}

async function openChats(client: ApiClient, agentId: number, count: number, title: string): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i += STREAM_BATCH) {
    const batch = Array.from({ length: Math.min(STREAM_BATCH, count - i) }, (_, j) =>
      client.call<{ id: number }>('POST', '/api/chats', { agent_id: agentId, title: `${title} ${i + j}` }),
    );
    ids.push(...(await Promise.all(batch)).map((chat) => chat.id));
  }
  return ids;
}

/** `sends` answered messages, each conversation sending its next once the last is answered. */
async function send(client: ApiClient, chats: number[], sends: number, log: (line: string) => void): Promise<number> {
  let started = 0;
  let errors = 0;
  const conversation = async (chatId: number) => {
    while (started < sends) {
      const n = ++started;
      await client.call('POST', '/api/messages', { chat_id: chatId, content: `Question ${n}: tell me about caching.`, stream: false }).catch(() => errors++);
      if (n % 1000 === 0) log(`memory: ${n} sends`);
    }
  };
  await Promise.all(chats.map(conversation));
  return errors;
}

/** How many streams are open now, and the most at once. */
class OpenStreams {
  now = 0;
  max = 0;
  opened(): void {
    this.max = Math.max(this.max, ++this.now);
  }
}

/** Sends one message and follows its answer over SSE; true once its `done` event came. */
async function stream(client: ApiClient, chatId: number, open: OpenStreams): Promise<boolean> {
  await client.call('POST', '/api/messages', { chat_id: chatId, content: 'Stream me a long answer.' });
  const response = await fetch(`${client.base}/api/messages/stream/${chatId}`, { headers: { Authorization: `Bearer ${client.token}` } });
  if (!response.ok || !response.body) return false;
  open.opened();
  const decoder = new TextDecoder();
  let seen = '';
  try {
    for await (const chunk of response.body) {
      // Only the tail is kept: `done` is the last event.
      seen = (seen + decoder.decode(chunk as Uint8Array, { stream: true })).slice(-4096);
    }
  } finally {
    open.now--;
  }
  return seen.includes('event: done');
}

/**
 * Resident memory of the API after `sends` answered messages, after `streams`
 * answers streamed at once over SSE, and after `idleSeconds` of nothing: what
 * a long-running instance keeps. `pid`: the API's process, or all of them
 * (a clustered primary and its workers), summed.
 */
export async function benchMemory(apiUrl: string, pid: number | number[], options: MemoryOptions = {}): Promise<MemoryResult> {
  const pids = Array.isArray(pid) ? pid : [pid];
  const { sends, conversations, streams, idleSeconds } = { ...DEFAULTS, ...options };
  const log = options.log ?? ((line: string) => console.log(line));
  const heap = () => heapReading(apiUrl, options.metricsToken);
  let client = options.client;
  if (!client) {
    client = new ApiClient(apiUrl);
    await client.signUp(`memory-${Date.now()}@example.org`, 'MEM');
  }
  const agentId = options.agentId ?? (await client.call<{ id: number }>('POST', '/api/agents', { name: 'Memory bench', is_public: true })).id;
  const sendChats = await openChats(client, agentId, conversations, 'Memory sends');
  const streamChats = await openChats(client, agentId, streams, 'Memory streams');

  const start = { rss: totalRss(pids), heap: await heap() };
  log(`memory: start ${round(start.rss)} MB`);

  await simConfig(options.simUrl, SEND_ANSWERS);
  const cpuBefore = totalCpu(pids);
  const sendsStarted = performance.now();
  const sendErrors = await send(client, sendChats, sends, log);
  const sendsSeconds = (performance.now() - sendsStarted) / 1000;
  const cpuPerSend = (totalCpu(pids) - cpuBefore) / Math.max(1, sends);
  const afterSends = { rss: totalRss(pids), heap: await heap() };
  log(`memory: after ${sends} sends ${round(afterSends.rss)} MB (${round(sendsSeconds)} s, ${sendErrors} errors)`);

  await simConfig(options.simUrl, STREAM_ANSWERS);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, totalRss(pids))), 100);
  const open = new OpenStreams();
  const followed: Promise<boolean>[] = [];
  for (let i = 0; i < streamChats.length; i += STREAM_BATCH) {
    followed.push(...streamChats.slice(i, i + STREAM_BATCH).map((chatId) => stream(client, chatId, open).catch(() => false)));
    await sleep(20);
  }
  const completed = (await Promise.all(followed)).filter(Boolean).length;
  clearInterval(sampler);
  const afterStreams = { rss: totalRss(pids), heap: await heap() };
  log(`memory: after ${streams} streams ${round(afterStreams.rss)} MB (peak ${round(peak)} MB, ${completed} completed, ${open.max} open at once)`);

  await sleep(idleSeconds * 1000);
  const afterIdle = { rss: totalRss(pids), heap: await heap() };
  log(`memory: after ${idleSeconds} s idle ${round(afterIdle.rss)} MB`);

  return {
    start_mb: round(start.rss),
    after_sends_mb: round(afterSends.rss),
    during_streams_peak_mb: round(peak),
    after_streams_mb: round(afterStreams.rss),
    after_idle_mb: round(afterIdle.rss),
    heap: { start: start.heap, after_sends: afterSends.heap, after_streams: afterStreams.heap, after_idle: afterIdle.heap },
    sends,
    send_errors: sendErrors,
    sends_seconds: round(sendsSeconds),
    api_cpu_ms_per_send: round(cpuPerSend, 2),
    streams,
    streams_completed: completed,
    streams_open_max: open.max,
    idle_seconds: idleSeconds,
  };
}
