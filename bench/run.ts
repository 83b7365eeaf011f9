import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import { benchChunking } from './chunking';
import { benchClustered } from './clustered';
import { benchAllAtOnce, benchFirstSendsAfterBoot, benchOneAtATime, FAST_PROFILE, profileFirstSendAfterBoot } from './fast-upstream';
import { benchHostile, HOSTILE_ENV } from './hostile';
import { benchIngestion } from './ingestion';
import { benchOpenAiCompat, FAST_UPSTREAM } from './openai-compat';
import { benchRelayFloor } from './relay-floor';
import { ApiClient } from './lib/api-client';
import { profileApi, ProfileSummary } from './lib/cpu-profile';
import { processTree, rssMb, startApi, startSimulator, startWorker } from './lib/processes';
import { benchMemory } from './memory';
import { round } from './lib/stats';
import { deleteRedisKeys } from '../test/support/test-app';
import { writeReport } from './report';
import { warmTargetMissed } from './report-headline';
import { benchRetrieval } from './retrieval';
import { benchSearch } from './search';
import { benchStreaming, connectSockets, converse, joinedSockets, viaSocket, viaSse } from './streaming';
import { benchThroughput } from './throughput';

const quick = process.argv.includes('--quick');
const ROOT = path.resolve(__dirname, '../..');
const settings = quick
  ? { levels: [1, 20], idleSockets: 200, bigChatMessages: 1000, seconds: 3, connections: 50, textPages: 20, ocrPages: 2, retrieval: [2000], retrievalVectors: [2000], queries: 30, searchMessages: 100_000, openaiLevels: [1, 10], hostile: { minSeconds: 10, maxSeconds: 25 } }
  : { levels: [1, 50, 200, 500], idleSockets: 1000, bigChatMessages: 10_000, seconds: 10, connections: 50, textPages: 200, ocrPages: 10, retrieval: [10_000, 100_000], retrievalVectors: [10_000], queries: 100, searchMessages: 1_000_000, openaiLevels: [1, 20, 50], hostile: { minSeconds: 60, maxSeconds: 180 } };
/** The fast-upstream headline: boots measured, sends one at a time, bursts of `atOnce`, steady-state levels (also with WEB_CONCURRENCY=2). */
const fast = quick
  ? { boots: 2, oneAtATime: 10, atOnce: 50, bursts: 2, levels: [20, 50], rounds: 3, profileLevel: 50, clusteredDeadlineSeconds: 120 }
  : { boots: 3, oneAtATime: 30, atOnce: 50, bursts: 3, levels: [50, 200, 500], rounds: 3, profileLevel: 200, clusteredDeadlineSeconds: 600 };
/** benchMemory (bench/memory.ts): its own defaults (10,000 sends, 500 streams, 60 s idle) in a full run. */
const memorySettings = quick ? { sends: 500, streams: 50, idleSeconds: 5 } : {};
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

/** Profiles the API under the fast-upstream steady state at `level` conversations (SSE, then Socket.IO), to show where its CPU goes. */
async function profileFastSteadyState(api: { pid: number; file: string }, client: ApiClient, simUrl: string, chats: number[], level: number) {
  const ids = chats.slice(0, level);
  const answerMs = FAST_PROFILE.ttftMs + FAST_PROFILE.words * FAST_PROFILE.interTokenMs;
  const sockets = await joinedSockets(client, ids);
  try {
    const phase = `the fast-upstream steady state at ${level} conversations, 2 messages each over SSE then 2 over Socket.IO`;
    return await profileApi(api.pid, api.file, phase, async () => {
      await converse(level, answerMs, 2, (i) => viaSse(client, ids[i]));
      await converse(level, answerMs, 2, (i) => viaSocket(client, sockets[i], ids[i]));
    });
  } finally {
    sockets.forEach((socket) => socket.close());
  }
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
    // One secret for every API process of the run (fresh boots, WEB_CONCURRENCY=2): a token signed by one is good on all.
    JWT_SECRET_KEY: randomBytes(36).toString('base64'),
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
  // The user, agents and chats are made on an API that is stopped again, so that
  // the boots measured next each begin with a send, and the main API starts fresh.
  const setup = await startApi(env);
  const seeded = { token: '', agentId: 0, chats: [] as number[], bigChat: 0, bootChat: 0 };
  try {
    const client = new ApiClient(setup.url);
    await client.signUp('bench@example.org', 'BEN');
    seeded.token = client.token;
    seeded.agentId = (await client.call<{ id: number }>('POST', '/api/agents', { name: 'Bench', is_public: true })).id;
    for (let i = 0; i < 19; i++) await client.call('POST', '/api/agents', { name: `Agent ${i}`, is_public: true });
    const newChat = async (title: string) => (await client.call<{ id: number }>('POST', '/api/chats', { agent_id: seeded.agentId, title })).id;
    for (let i = 0; i < Math.max(...settings.levels, ...fast.levels, fast.atOnce); i++) seeded.chats.push(await newChat(`Stream ${i}`));
    seeded.bigChat = await newChat('Big');
    seeded.bootChat = await newChat('Boot');
  } finally {
    await setup.stop();
  }
  const firstAfterBoot = await benchFirstSendsAfterBoot(env, sim.url, seeded.token, seeded.bootChat, fast.boots);
  // Profiles of where the API's time goes, taken only when a target they can explain is missed.
  const profiler = { file: path.join(dir, 'api.cpuprofile'), nodeArgs: ['-r', path.join(ROOT, 'dist', 'bench', 'lib', 'cpu-profiler.js')] };
  const profiles: (ProfileSummary | { skipped: string })[] = [];
  const failedProfile = (error: unknown) => ({ skipped: `the profiler failed: ${error instanceof Error ? error.message : String(error)}` });
  if (!(firstAfterBoot.added_ttft_p50_ms !== null && firstAfterBoot.added_ttft_p50_ms <= 15)) {
    profiles.push(await profileFirstSendAfterBoot(env, sim.url, seeded.token, seeded.bootChat, profiler).catch(failedProfile));
  }

  // The preload does nothing until the bench signals it.
  const api = await startApi({ ...env, BENCH_CPU_PROFILE: profiler.file }, profiler.nodeArgs);
  const worker = process.env.DATABASE_URL && process.env.REDIS_URL ? startWorker(env) : undefined;
  const pid = api.process.pid!;
  try {
    const client = new ApiClient(api.url);
    client.token = seeded.token;
    const agent = { id: seeded.agentId };
    const { chats, bigChat } = seeded;
    const fresh = await idleMemory(client, pid, settings.idleSockets);
    await simConfig(sim.url, { ttft_ms: 0, inter_token_ms: 0, reply_words: 5 });
    await fillChat(client, bigChat, settings.bigChatMessages);
    await simConfig(sim.url, { ttft_ms: STREAM.ttftMs, inter_token_ms: STREAM.interTokenMs, reply_words: STREAM.words });
    const afterWork = await idleMemory(client, pid, settings.idleSockets);

    const simulator = { url: sim.url, pid: sim.process.pid! };
    const fastUpstream: Record<string, unknown> = {
      profile: FAST_PROFILE,
      first_after_boot: firstAfterBoot,
      one_at_a_time: await benchOneAtATime(client, sim.url, chats[0], fast.oneAtATime),
      all_at_once: await benchAllAtOnce(client, sim.url, chats.slice(0, fast.atOnce), fast.bursts),
      steady: await benchStreaming(client, sim.url, { api: pid, simulator: simulator.pid }, chats, fast.levels, FAST_PROFILE, fast.rounds),
      // The machine's own floor for the steady-state figures, at the level of the CPU target.
      relay_floor: await benchRelayFloor(simulator, fast.profileLevel, FAST_PROFILE, fast.rounds),
      clustered: await benchClustered(env, simulator, seeded.token, chats, fast.levels, FAST_PROFILE, fast.rounds, fast.clusteredDeadlineSeconds),
      profiles,
    };
    if (warmTargetMissed(fastUpstream)) profiles.push(await profileFastSteadyState({ pid, file: profiler.file }, client, sim.url, chats, fast.profileLevel).catch(failedProfile));

    const streaming = await benchStreaming(client, sim.url, { api: pid, simulator: sim.process.pid! }, chats, settings.levels, STREAM);
    const throughput = await benchThroughput(client, agent.id, bigChat, settings.seconds, settings.connections);
    const ingestion = await benchIngestion(settings.textPages, settings.ocrPages);
    const chunking = await benchChunking();
    const retrieval = await benchRetrieval(settings.retrieval, settings.retrievalVectors, settings.queries);
    const search = await benchSearch(settings.searchMessages, settings.queries);
    await simConfig(sim.url, { ttft_ms: FAST_UPSTREAM.ttftMs, inter_token_ms: FAST_UPSTREAM.interTokenMs, reply_words: FAST_UPSTREAM.words });
    const openaiCompat = await benchOpenAiCompat({ url: api.url, pid }, sim.url, client, agent.id, settings.openaiLevels);
    // After the heavy phases, before the hostile one: what a long-running API keeps once left alone.
    const memoryAfterIdle = await benchMemory(api.url, processTree(pid), { client, agentId: agent.id, simUrl: sim.url, ...memorySettings });
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
        fast,
      },
      fast_upstream: fastUpstream,
      streaming,
      throughput,
      ingestion,
      chunking,
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
      memory_after_idle: memoryAfterIdle,
    };
    mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench', 'results', `${results.name}.json`), JSON.stringify(results, null, 2));
    writeReport(path.join(ROOT, 'BENCHMARKS.md'), results);
    console.log(`Report written to BENCHMARKS.md and bench/results/${results.name}.json in ${results.duration_s} s`);
  } catch (error) {
    // A phase that fails because the API died says so, with what the API wrote last.
    if (api.process.exitCode !== null || api.process.signalCode !== null) {
      console.error(`The API exited (${api.process.exitCode ?? api.process.signalCode}); its last output:\n${api.log()}`);
    }
    throw error;
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
