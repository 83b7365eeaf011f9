import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import { benchHostile, HOSTILE_ENV } from './hostile';
import { benchIngestion } from './ingestion';
import { benchOpenAiCompat, FAST_UPSTREAM } from './openai-compat';
import { ApiClient } from './lib/api-client';
import { rssMb, startApi, startSimulator, startWorker } from './lib/processes';
import { round } from './lib/stats';
import { deleteRedisKeys } from '../test/support/test-app';
import { writeReport } from './report';
import { benchRetrieval } from './retrieval';
import { benchSearch } from './search';
import { benchStreaming, connectSockets } from './streaming';
import { benchThroughput } from './throughput';

const quick = process.argv.includes('--quick');
const ROOT = path.resolve(__dirname, '../..');
const settings = quick
  ? { levels: [1, 20], idleSockets: 200, bigChatMessages: 1000, seconds: 3, connections: 50, textPages: 20, ocrPages: 2, retrieval: [2000], retrievalVectors: [2000], queries: 30, searchMessages: 100_000, openaiLevels: [1, 10], hostile: { minSeconds: 10, maxSeconds: 25 } }
  : { levels: [1, 50, 200, 500], idleSockets: 1000, bigChatMessages: 10_000, seconds: 10, connections: 50, textPages: 200, ocrPages: 10, retrieval: [10_000, 100_000], retrievalVectors: [10_000], queries: 100, searchMessages: 1_000_000, openaiLevels: [1, 20, 50], hostile: { minSeconds: 60, maxSeconds: 180 } };
const STREAM = { ttftMs: 200, interTokenMs: 10, words: 50 };

async function simConfig(simUrl: string, config: object): Promise<void> {
  await fetch(simUrl.replace(/\/v1$/, '/sim/config'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(config) });
}

/** Fills one chat with `count` messages through the API (answers from a zero-delay simulator). */
async function fillChat(api: ApiClient, chatId: number, count: number): Promise<void> {
  let sent = 0;
  const worker = async () => {
    while (sent < count / 2) {
      sent++;
      await api.call('POST', '/api/messages', { chat_id: chatId, content: `message ${sent}`, stream: false });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** RSS of the idle API, then with `count` idle sockets connected (closed again after). */
async function idleMemory(client: ApiClient, pid: number, count: number): Promise<{ idle_mb: number | null; with_sockets_mb: number | null }> {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idle = rssMb(pid);
  const sockets = await connectSockets(client, count);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const withSockets = rssMb(pid);
  sockets.forEach((socket) => socket.close());
  return { idle_mb: round(idle), with_sockets_mb: round(withSockets) };
}

async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'foyergpt-bench-'));
  const sim = await startSimulator(STREAM.ttftMs, STREAM.interTokenMs);
  const env = {
    DATA_DIR: path.join(dir, 'data'),
    UPLOAD_DIR: path.join(dir, 'uploads'),
    APP_ENV: 'development',
    API_URL: sim.url,
    API_KEY: 'bench',
    API_MODEL: 'sim-chat',
    PIXTRAL_MODEL: 'sim-vision',
    EMBEDDING_PROVIDER: 'none',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '100000',
    MAX_CONCURRENT_GENERATIONS: '2000',
    LOGIN_RATE_LIMIT: '10000',
    // One bench user plays every conversation and upload: lift the per-user protections.
    MAX_SOCKETS_PER_USER: '10000',
    MAX_STREAMS_PER_USER: '10000',
    UPLOAD_RATE_LIMIT: '100000',
    MAX_PENDING_DOCUMENTS_PER_USER: '100000',
    // A run of its own in a shared Redis: a fresh database restarts message ids,
    // and an earlier run's answer logs under the same ids would be replayed.
    REDIS_KEY_PREFIX: `foyergpt-bench:${process.pid}:`,
    ...HOSTILE_ENV,
  };
  const api = await startApi(env);
  const worker = process.env.DATABASE_URL && process.env.REDIS_URL ? startWorker(env) : undefined;
  const pid = api.process.pid!;
  try {
    const client = new ApiClient(api.url);
    await client.signUp('bench@example.org', 'BEN');
    const agent = await client.call<{ id: number }>('POST', '/api/agents', { name: 'Bench', is_public: true });
    for (let i = 0; i < 19; i++) await client.call('POST', '/api/agents', { name: `Agent ${i}`, is_public: true });
    const chats: number[] = [];
    for (let i = 0; i < Math.max(...settings.levels); i++) {
      chats.push((await client.call<{ id: number }>('POST', '/api/chats', { agent_id: agent.id, title: `Stream ${i}` })).id);
    }
    const bigChat = (await client.call<{ id: number }>('POST', '/api/chats', { agent_id: agent.id, title: 'Big' })).id;
    const fresh = await idleMemory(client, pid, settings.idleSockets);
    await simConfig(sim.url, { ttft_ms: 0, inter_token_ms: 0, reply_words: 5 });
    await fillChat(client, bigChat, settings.bigChatMessages);
    await simConfig(sim.url, { ttft_ms: STREAM.ttftMs, inter_token_ms: STREAM.interTokenMs, reply_words: STREAM.words });
    const afterWork = await idleMemory(client, pid, settings.idleSockets);

    const streaming = await benchStreaming(client, sim.url, { api: pid, simulator: sim.process.pid! }, chats, settings.levels, STREAM.ttftMs + STREAM.words * STREAM.interTokenMs);
    const throughput = await benchThroughput(client, agent.id, bigChat, settings.seconds, settings.connections);
    const ingestion = await benchIngestion(settings.textPages, settings.ocrPages);
    const retrieval = await benchRetrieval(settings.retrieval, settings.retrievalVectors, settings.queries);
    const search = await benchSearch(settings.searchMessages, settings.queries);
    await simConfig(sim.url, { ttft_ms: FAST_UPSTREAM.ttftMs, inter_token_ms: FAST_UPSTREAM.interTokenMs, reply_words: FAST_UPSTREAM.words });
    const openaiCompat = await benchOpenAiCompat({ url: api.url, pid }, sim.url, client, agent.id, settings.openaiLevels);
    // Last: what it leaves behind (documents, memory) must not weigh on the other measures.
    const hostile = await benchHostile(api.url, { api: api.process, worker: worker?.process }, settings.hostile);

    const results = {
      name: quick ? 'quick' : 'full',
      date: new Date().toISOString(),
      duration_s: round((Date.now() - started) / 1000),
      machine: { cpus: availableParallelism(), cpu_model: cpus()[0]?.model, memory_gb: round(totalmem() / 2 ** 30), node: process.version },
      setup: {
        database: process.env.DATABASE_URL ? 'postgresql' : 'embedded (PGlite)',
        redis: process.env.REDIS_URL ? 'redis' : 'in memory',
        simulator: STREAM,
        fast_upstream: FAST_UPSTREAM,
        settings,
      },
      streaming,
      throughput,
      ingestion,
      retrieval,
      search,
      openai_compat: openaiCompat,
      hostile,
      memory: {
        idle_sockets: settings.idleSockets,
        fresh,
        after_work: { ...afterWork, messages_sent: settings.bigChatMessages },
        during_max_streams_mb: streaming.rss_during_max_streams_mb,
      },
    };
    mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench', 'results', `${results.name}.json`), JSON.stringify(results, null, 2));
    writeReport(path.join(ROOT, 'BENCHMARKS.md'), results);
    console.log(`Report written to BENCHMARKS.md and bench/results/${results.name}.json in ${results.duration_s} s`);
  } finally {
    await worker?.stop();
    await api.stop();
    await sim.stop();
    await deleteRedisKeys(process.env.REDIS_URL, env.REDIS_KEY_PREFIX);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
