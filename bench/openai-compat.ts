import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ApiClient } from './lib/api-client';
import { cpuMs, startApi, startSimulator } from './lib/processes';
import { percentile, round } from './lib/stats';
import { openAiCompatSection } from './report';
import { deleteRedisKeys } from '../test/support/test-app';

/** A fast upstream, so that what is measured is our own cost, not the model's. */
export const FAST_UPSTREAM = { ttftMs: 30, interTokenMs: 2, words: 20 };
const ROUNDS = 5;

interface Completion {
  ttftMs: number;
  totalMs: number;
  chunks: number;
}

export interface OpenAiCompatLevel {
  concurrency: number;
  completions: number;
  direct: { ttft_p50: number | null; ttft_p99: number | null; total_p50: number | null };
  v1: { ttft_p50: number | null; ttft_p99: number | null; total_p50: number | null };
  added_ttft_p50_ms: number | null;
  added_ttft_p99_ms: number | null;
  added_total_p50_ms: number | null;
  api_cpu_ms_per_completion: number | null;
  incomplete: number;
}

/** One streamed chat completion, read as a client reads it: time to the first content delta, and to [DONE]. */
async function streamCompletion(url: string, token: string, model: string): Promise<Completion> {
  const started = performance.now();
  const response = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'How do I book a meeting room?' }] }),
  });
  if (!response.ok || !response.body) throw new Error(`POST ${url}/chat/completions: ${response.status} ${await response.text()}`);
  let ttftMs = NaN;
  let chunks = 0;
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.replace(/^data: /, '');
      if (data === '[DONE]') return { ttftMs, totalMs: performance.now() - started, chunks };
      const delta = (JSON.parse(data) as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content;
      if (delta) {
        chunks++;
        if (Number.isNaN(ttftMs)) ttftMs = performance.now() - started;
      }
    }
  }
  throw new Error('the stream ended without [DONE]');
}

/** `concurrency` clients, each asking ROUNDS completions one after the other. */
async function level(url: string, token: string, model: string, concurrency: number): Promise<Completion[]> {
  const client = async () => {
    const runs: Completion[] = [];
    for (let i = 0; i < ROUNDS; i++) runs.push(await streamCompletion(url, token, model));
    return runs;
  };
  return (await Promise.all(Array.from({ length: concurrency }, client))).flat();
}

/**
 * Streamed completions through POST /v1/chat/completions (an agent: its
 * system prompt, retrieval, budgets, rate limit, the ledger row) against the
 * same completions asked of the upstream directly: what the API adds.
 */
export async function benchOpenAiCompat(
  api: { url: string; pid: number },
  simUrl: string,
  client: ApiClient,
  agentId: number,
  levels: number[],
): Promise<OpenAiCompatLevel[]> {
  const key = await client.call<{ token: string }>('POST', '/api/api-keys', { name: 'bench' });
  const results: OpenAiCompatLevel[] = [];
  // Warm both paths (connections, caches) before measuring.
  await level(`${api.url}/v1`, key.token, `agent-${agentId}`, 2);
  for (const concurrency of levels) {
    const direct = await level(simUrl, 'bench', 'sim-chat', concurrency);
    const cpuBefore = cpuMs(api.pid);
    const v1 = await level(`${api.url}/v1`, key.token, `agent-${agentId}`, concurrency);
    const cpu = cpuMs(api.pid) - cpuBefore;
    const stats = (runs: Completion[]) => ({
      ttft_p50: round(percentile(runs.map((r) => r.ttftMs), 50)),
      ttft_p99: round(percentile(runs.map((r) => r.ttftMs), 99)),
      total_p50: round(percentile(runs.map((r) => r.totalMs), 50)),
    });
    const [d, v] = [stats(direct), stats(v1)];
    results.push({
      concurrency,
      completions: v1.length,
      direct: d,
      v1: v,
      added_ttft_p50_ms: round((v.ttft_p50 ?? NaN) - (d.ttft_p50 ?? NaN)),
      added_ttft_p99_ms: round((v.ttft_p99 ?? NaN) - (d.ttft_p99 ?? NaN)),
      added_total_p50_ms: round((v.total_p50 ?? NaN) - (d.total_p50 ?? NaN)),
      api_cpu_ms_per_completion: round(cpu / v1.length, 2),
      incomplete: v1.filter((r) => r.chunks < FAST_UPSTREAM.words).length,
    });
  }
  return results;
}

/** This part alone, on its own API and simulator (embedded unless DATABASE_URL/REDIS_URL are set). */
async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'foyergpt-bench-v1-'));
  const sim = await startSimulator(FAST_UPSTREAM.ttftMs, FAST_UPSTREAM.interTokenMs);
  await fetch(sim.url.replace(/\/v1$/, '/sim/config'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ reply_words: FAST_UPSTREAM.words }),
  });
  const prefix = `foyergpt-bench-v1:${process.pid}:`;
  const api = await startApi({
    DATA_DIR: path.join(dir, 'data'),
    UPLOAD_DIR: path.join(dir, 'uploads'),
    APP_ENV: 'development',
    API_URL: sim.url,
    API_KEY: 'bench',
    API_MODEL: 'sim-chat',
    EMBEDDING_PROVIDER: 'none',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '100000',
    MAX_CONCURRENT_GENERATIONS: '2000',
    REDIS_KEY_PREFIX: prefix,
  });
  try {
    const client = new ApiClient(api.url);
    await client.signUp('bench@example.org', 'BEN');
    const agent = await client.call<{ id: number }>('POST', '/api/agents', { name: 'Bench', system_prompt: 'You answer office questions.' });
    const levels = await benchOpenAiCompat({ url: api.url, pid: api.process.pid! }, sim.url, client, agent.id, process.argv.includes('--quick') ? [1, 10] : [1, 20, 50]);
    console.log(openAiCompatSection(levels, FAST_UPSTREAM).join('\n'));
  } finally {
    await api.stop();
    await sim.stop();
    await deleteRedisKeys(process.env.REDIS_URL, prefix);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
