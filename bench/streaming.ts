import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import { ApiClient } from './lib/api-client';
import { rssMb } from './lib/processes';
import { mean, percentile, round } from './lib/stats';

interface Run {
  ttftMs: number;
  tokensPerSecond: number;
  tokens: number;
  ordered: boolean;
}

export interface StreamingLevel {
  concurrency: number;
  direct: { ttft_p50: number | null; ttft_p99: number | null; tokens_per_s: number | null };
  sse: LevelResult;
  socket: LevelResult;
}

interface LevelResult {
  ttft_p50: number | null;
  ttft_p99: number | null;
  added_ttft_p50_ms: number | null;
  added_ttft_p99_ms: number | null;
  tokens_per_s: number | null;
  relay_ratio: number | null;
  lost_or_reordered: number;
}

const EXPECTED_TOKENS = 50;

function summarise(runs: Run[], direct: Run[]): LevelResult {
  const ttft = runs.map((r) => r.ttftMs);
  const directTtft = direct.map((r) => r.ttftMs);
  const rate = mean(runs.map((r) => r.tokensPerSecond));
  const directRate = mean(direct.map((r) => r.tokensPerSecond));
  return {
    ttft_p50: round(percentile(ttft, 50)),
    ttft_p99: round(percentile(ttft, 99)),
    added_ttft_p50_ms: round(percentile(ttft, 50) - percentile(directTtft, 50)),
    added_ttft_p99_ms: round(percentile(ttft, 99) - percentile(directTtft, 99)),
    tokens_per_s: round(rate),
    relay_ratio: round(rate / directRate, 3),
    lost_or_reordered: runs.filter((r) => !r.ordered || r.tokens !== EXPECTED_TOKENS).length,
  };
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

export async function benchStreaming(api: ApiClient, simUrl: string, apiPid: number, chats: number[], levels: number[]) {
  const results: StreamingLevel[] = [];
  let rssDuringMaxStreams = NaN;
  for (const concurrency of levels) {
    const ids = chats.slice(0, concurrency);
    const directRuns = await Promise.all(ids.map(() => direct(simUrl)));
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(apiPid))), 100);
    const sseRuns = await Promise.all(ids.map((id) => viaSse(api, id)));
    clearInterval(sampler);
    if (concurrency === Math.max(...levels)) rssDuringMaxStreams = peak;
    const sockets = await connectSockets(api, concurrency);
    await Promise.all(sockets.map((socket, i) => socket.emitWithAck('join_chat', { chat_id: ids[i] })));
    const socketRuns = await Promise.all(sockets.map((socket, i) => viaSocket(api, socket, ids[i])));
    sockets.forEach((socket) => socket.close());
    results.push({
      concurrency,
      direct: {
        ttft_p50: round(percentile(directRuns.map((r) => r.ttftMs), 50)),
        ttft_p99: round(percentile(directRuns.map((r) => r.ttftMs), 99)),
        tokens_per_s: round(mean(directRuns.map((r) => r.tokensPerSecond))),
      },
      sse: summarise(sseRuns, directRuns),
      socket: summarise(socketRuns, directRuns),
    });
    console.log(`streaming ${concurrency}: ${JSON.stringify(results.at(-1))}`);
  }
  return { levels: results, rss_during_max_streams_mb: round(rssDuringMaxStreams) };
}
