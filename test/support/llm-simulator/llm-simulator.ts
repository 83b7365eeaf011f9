/**
 * An OpenAI-compatible LLM server for tests and benchmarks, so that nothing
 * ever reaches a real provider. It answers deterministically (by default it
 * echoes the last user message), streams with configurable latency, records
 * every request, and can be told to fail the next chat completions in the ways
 * real providers fail (429, 5xx, stalled or cut streams, broken JSON).
 *
 * Tool calling (the default reply, `defaultReply`):
 * - A request that offers `tools` and whose last message is the user's, holding
 *   one or more triggers `[[tool NAME ARGS]]`, is answered with calls to those
 *   tools, in order, ids `call_1`, `call_2`… (per request), finish_reason
 *   `tool_calls`, and no text. NAME need not be offered. ARGS (after one space)
 *   is sent verbatim as the call's `arguments`, JSON or junk, up to the `]]`
 *   that ends the message or is followed by whitespace or another trigger;
 *   `[[tool NAME]]` sends empty arguments. Streamed, each call goes out as
 *   OpenAI sends it: a first `delta.tool_calls` fragment with index, id, type,
 *   name and the start of the arguments, then fragments with the rest (always
 *   at least two, at most 8 characters each); not streamed, as
 *   `message.tool_calls`.
 * - A request that ends with `tool` messages is answered with the text
 *   `Tool results: <name>: <content>; <name>: <content>` for those messages in
 *   order (the name from the assistant message's `tool_calls`, by
 *   `tool_call_id`; `unknown` if none matches), streamed like any reply.
 * - Anything else is echoed. Without `tools`, triggers are echoed like any text.
 * Each fragment counts as a token (text: one per word), in the usage and in a
 * fault's `afterTokens`; `max_tokens` counts text tokens only (a text it cuts
 * loses its calls, finish_reason `length`). A test wanting other calls (text
 * first, another round…) sets `reply` to return
 * `{ text?, toolCalls: [{ name, arguments, id? }] }`; `reset()` restores the default.
 */
import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { messageText, numberedCalls, toolCallDeltas, toolResultsText, triggeredToolCalls } from './tool-replies';
import type { SimReply, SimToolCall } from './tool-replies';

export type { SimReply, SimToolCall } from './tool-replies';

export type SimFault =
  | { type: 'rate_limit'; retryAfterSeconds?: number } // 429 JSON error + Retry-After header
  | { type: 'server_error'; status?: number } // 500 (or the given 5xx) JSON error
  | { type: 'stall'; afterTokens?: number } // send N tokens (default 0), then nothing until the client or close() ends it
  | { type: 'cut'; afterTokens: number } // send N tokens, then destroy the socket
  | { type: 'malformed'; afterTokens?: number }; // send N tokens, then a line that is not JSON, then end

export interface SimOptions {
  port?: number; // default 0: any free port
  host?: string; // default 127.0.0.1
  ttftMs?: number; // default 0
  interTokenMs?: number; // default 0
  models?: string[];
  embeddingDim?: number;
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
  /** Default true. A long-running benchmark server turns it off so memory stays flat. */
  recordRequests?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body; the raw text when it was not JSON; undefined when empty. */
  body: unknown;
  /** True when the client went away before the response was complete. */
  aborted: boolean;
  at: number;
}

export interface ChatContentPart {
  type: string;
  text?: string;
  image_url?: unknown;
  [key: string]: unknown;
}

export interface ChatMessage {
  role: string;
  content?: string | ChatContentPart[] | null;
  [key: string]: unknown;
}

/** The parts of a chat completion request the simulator reads; other fields pass through untouched. */
export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  max_tokens?: number;
  max_completion_tokens?: number;
  /** Recorded as sent; a non-empty list turns the triggers on. */
  tools?: unknown[];
  [key: string]: unknown;
}

export const DEFAULT_MODELS = ['sim-chat', 'sim-vision', 'sim-embed'];
export const DEFAULT_EMBEDDING_DIM = 1024;

/** The default reply: `Echo: ` + the text of the last user message. */
export function echoReply(request: ChatCompletionRequest): string {
  const lastUser = [...request.messages].reverse().find((message) => message.role === 'user');
  const content = lastUser?.content;
  if (Array.isArray(content)) {
    const text = content
      .filter((part) => part.type === 'text' && typeof part.text === 'string')
      .map((part) => part.text)
      .join(' ');
    const images = content.filter((part) => part.type === 'image_url').length;
    return `Echo: ${text} [images: ${images}]`;
  }
  return `Echo: ${typeof content === 'string' ? content : ''}`;
}

/** The reply when none is set: tool calls for triggers, a text quoting tool results, or else the echo. */
export function defaultReply(request: ChatCompletionRequest): SimReply {
  const calls = triggeredToolCalls(request);
  if (calls.length) return { toolCalls: calls };
  return toolResultsText(request) ?? echoReply(request);
}

/**
 * Splits a reply into "tokens": words with their leading whitespace, so that
 * the tokens concatenate back to the reply ("Echo: hi" → ["Echo:", " hi"]).
 * Trailing whitespace stays on the last token for the same reason.
 */
export function splitTokens(text: string): string[] {
  return text.match(/\s*\S+(?:\s+$)?/g) ?? (text ? [text] : []);
}

/** A deterministic pseudo-random unit-ish vector for one word: SHA-256 in counter mode. */
function wordVector(word: string, dim: number): number[] {
  const raw: number[] = [];
  for (let block = 0; raw.length < dim; block++) {
    const digest = createHash('sha256').update(`${block}\u0000${word}`).digest();
    for (let offset = 0; offset < digest.length && raw.length < dim; offset += 4) {
      raw.push(digest.readUInt32LE(offset) / 0x8000_0000 - 1);
    }
  }
  return raw;
}

/**
 * A deterministic unit vector for a text: the sum of its words' vectors (words
 * lower-cased, accents and a plural "s" dropped), so texts sharing words are
 * close, as with a real embedding model, while any change of text changes the
 * vector. Rounded to float32.
 */
export function simulatedEmbedding(text: string, dim = DEFAULT_EMBEDDING_DIM): number[] {
  const words = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 2)
    .map((word) => (word.length > 4 ? word.replace(/s$/, '') : word));
  const sum = new Array<number>(dim).fill(0);
  for (const word of words.length ? words : [text]) {
    wordVector(word, dim).forEach((value, i) => (sum[i] += value));
  }
  const norm = Math.hypot(...sum) || 1;
  // float32 rounding makes the float and base64 encodings decode to the same numbers.
  return sum.map((value) => Math.fround(value / norm));
}

/** A rough, deterministic token estimate (≈ 4 characters per token). */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asChatRequest(body: unknown): ChatCompletionRequest | string {
  if (!isRecord(body)) return 'The request body must be a JSON object.';
  if (typeof body.model !== 'string' || !body.model) return "'model' is required.";
  if (!Array.isArray(body.messages) || !body.messages.every((m) => isRecord(m) && typeof m.role === 'string')) {
    return "'messages' must be an array of messages with a 'role'.";
  }
  return body as ChatCompletionRequest;
}

function asEmbeddingInputs(body: unknown): { model: string; inputs: string[]; base64: boolean } | string {
  if (!isRecord(body)) return 'The request body must be a JSON object.';
  if (typeof body.model !== 'string' || !body.model) return "'model' is required.";
  const { input } = body;
  const inputs = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((item) => typeof item === 'string')) {
    return "'input' must be a string or a non-empty array of strings.";
  }
  return { model: body.model, inputs, base64: body.encoding_format === 'base64' };
}

function toBase64Float32(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}

/** Resolves true after `ms`, or false as soon as the exchange is cancelled (the timer is cleared then). */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Waits, holding no timer, until the exchange is cancelled. */
function untilCancelled(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Writes and waits until the bytes are handed to the socket; false if the response is gone. */
function write(res: ServerResponse, data: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  return new Promise((resolve) => res.write(data, (error) => resolve(!error)));
}

function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(payload));
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string | null,
  headers?: Record<string, string>,
): void {
  sendJson(res, status, { error: { message, type, param: null, code } }, headers);
}

/** The faults that act on the answer itself (as opposed to replacing it with an error status). */
type StreamFault = Extract<SimFault, { type: 'stall' | 'cut' | 'malformed' }>;

/** One request in flight: cancelling it clears its timers and ends its waits. */
interface Exchange {
  controller: AbortController;
  /** Set when the simulator itself ends the connection (a cut, or close()), which is not a client abort. */
  endedByServer: boolean;
}

interface Completion {
  id: string;
  created: number;
  model: string;
  tokens: string[];
  toolCalls: Required<SimToolCall>[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

export class LlmSimulator {
  readonly url: string;
  ttftMs: number;
  interTokenMs: number;
  requests: RecordedRequest[] = [];
  /** TCP connections accepted so far, and open now (idle kept-alive ones included). */
  readonly connections = { accepted: 0, open: 0 };
  reply: (request: ChatCompletionRequest) => SimReply = defaultReply;

  private readonly faults: SimFault[] = [];
  private readonly exchanges = new Set<Exchange>();
  private readonly models: string[];
  private readonly embeddingDim: number;
  private readonly created = Math.floor(Date.now() / 1000);
  private completionCount = 0;
  private closing?: Promise<void>;

  private constructor(
    private readonly server: Server,
    private readonly options: SimOptions,
  ) {
    const { port } = server.address() as AddressInfo;
    this.url = `http://${urlHost(options.host ?? '127.0.0.1')}:${port}/v1`;
    this.ttftMs = options.ttftMs ?? 0;
    this.interTokenMs = options.interTokenMs ?? 0;
    this.models = options.models ?? DEFAULT_MODELS;
    this.embeddingDim = options.embeddingDim ?? DEFAULT_EMBEDDING_DIM;
  }

  static async start(options: SimOptions = {}): Promise<LlmSimulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const simulator = new LlmSimulator(server, options);
    server.on('connection', (socket) => {
      simulator.connections.accepted += 1;
      simulator.connections.open += 1;
      socket.once('close', () => (simulator.connections.open -= 1));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      simulator.handle(req, res).catch((error: unknown) => {
        // A bug in the simulator should fail the test loudly, not hang it.
        if (res.headersSent) res.destroy();
        else sendError(res, 500, `Simulator error: ${String(error)}`, 'server_error', null);
      });
    });
    return simulator;
  }

  /** Queues a fault for the next chat completion; each request consumes at most one, in order. */
  enqueueFault(fault: SimFault): void {
    this.faults.push(fault);
  }

  chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions');
  }

  /** Forgets requests and pending faults, and restores the default reply and the start-up timings. */
  reset(): void {
    this.requests = [];
    this.faults.length = 0;
    this.reply = defaultReply;
    this.ttftMs = this.options.ttftMs ?? 0;
    this.interTokenMs = this.options.interTokenMs ?? 0;
  }

  /** Stops listening and ends every open connection, stalled streams included, so no handle stays open. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      for (const exchange of this.exchanges) {
        exchange.endedByServer = true;
        exchange.controller.abort();
      }
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  /**
   * Changes timings and reply length while running, for a benchmark driving a
   * simulator in another process: `{ttft_ms?, inter_token_ms?, reply_words?}`.
   */
  private configure(body: Record<string, unknown>, res: ServerResponse): void {
    if (typeof body.ttft_ms === 'number') this.ttftMs = body.ttft_ms;
    if (typeof body.inter_token_ms === 'number') this.interTokenMs = body.inter_token_ms;
    if (typeof body.reply_words === 'number') {
      const words = body.reply_words;
      this.reply = words > 0 ? () => Array.from({ length: words }, (_, i) => `w${i + 1}`).join(' ') : defaultReply;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ ttft_ms: this.ttftMs, inter_token_ms: this.interTokenMs }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://simulator').pathname.replace(/(.)\/+$/, '$1');
    const method = req.method ?? 'GET';
    const record: RecordedRequest = { method, path, headers: { ...req.headers }, body: undefined, aborted: false, at: Date.now() };
    if (this.options.recordRequests !== false) this.requests.push(record);

    const exchange: Exchange = { controller: new AbortController(), endedByServer: false };
    this.exchanges.add(exchange);
    res.on('close', () => {
      this.exchanges.delete(exchange);
      if (!res.writableFinished && !exchange.endedByServer) record.aborted = true;
      exchange.controller.abort();
    });

    let raw: string;
    try {
      raw = await readBody(req);
    } catch {
      return; // the client left while sending the body; 'close' has marked it aborted
    }
    let body: unknown = undefined;
    let invalidJson = false;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        invalidJson = true;
      }
    }
    record.body = body;

    const route = `${method} ${path}`;
    if (route === 'POST /sim/config' && isRecord(body)) return this.configure(body, res);
    const known = ['GET /v1/models', 'POST /v1/chat/completions', 'POST /v1/embeddings'];
    if (!known.includes(route)) {
      return sendError(res, 404, `Invalid URL (${method} ${path})`, 'invalid_request_error', 'not_found');
    }
    if (this.options.apiKey !== undefined && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      return sendError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    }
    if (invalidJson) {
      return sendError(res, 400, 'The request body is not valid JSON.', 'invalid_request_error', 'invalid_json');
    }

    if (route === 'GET /v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: this.models.map((id) => ({ id, object: 'model', created: this.created, owned_by: 'simulator' })),
      });
    }
    if (route === 'POST /v1/embeddings') return this.embeddings(body, res);
    return this.chat(body, res, exchange);
  }

  private embeddings(body: unknown, res: ServerResponse): void {
    const request = asEmbeddingInputs(body);
    if (typeof request === 'string') return sendError(res, 400, request, 'invalid_request_error', 'invalid_request');
    const promptTokens = request.inputs.reduce((sum, text) => sum + estimateTokens(text), 0);
    sendJson(res, 200, {
      object: 'list',
      data: request.inputs.map((text, index) => {
        const vector = simulatedEmbedding(text, this.embeddingDim);
        return { object: 'embedding', index, embedding: request.base64 ? toBase64Float32(vector) : vector };
      }),
      model: request.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  }

  private async chat(body: unknown, res: ServerResponse, exchange: Exchange): Promise<void> {
    const { signal } = exchange.controller;
    const request = asChatRequest(body);
    if (typeof request === 'string') return sendError(res, 400, request, 'invalid_request_error', 'invalid_request');

    const fault = this.faults.shift();
    if (fault?.type === 'rate_limit') {
      const retryAfter = String(fault.retryAfterSeconds ?? 1);
      return sendError(res, 429, 'Rate limit reached (simulated).', 'rate_limit_error', 'rate_limit_exceeded', {
        'Retry-After': retryAfter,
      });
    }
    if (fault?.type === 'server_error') {
      return sendError(res, fault.status ?? 500, 'The server had an error (simulated).', 'server_error', null);
    }

    let reply: SimReply;
    try {
      reply = this.reply(request);
    } catch (error) {
      return sendError(res, 500, `reply() threw: ${String(error)}`, 'server_error', null);
    }
    const completion = this.completion(request, reply);
    if (request.stream === true) return this.stream(request, completion, fault, res, exchange);

    if (fault?.type === 'cut') {
      exchange.endedByServer = true;
      res.socket?.destroy();
      return;
    }
    if (fault?.type === 'stall') return untilCancelled(signal);
    // A non-streamed answer takes as long as the same answer streamed would.
    const generationMs = this.ttftMs + this.interTokenMs * Math.max(0, completion.usage.completion_tokens - 1);
    if (!(await pause(generationMs, signal))) return;
    if (fault?.type === 'malformed') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"id": "chatcmpl-broken", "choices": [{not json');
      return;
    }
    sendJson(res, 200, {
      id: completion.id,
      object: 'chat.completion',
      created: completion.created,
      model: completion.model,
      choices: [
        {
          index: 0,
          message: completion.toolCalls.length
            ? {
                role: 'assistant',
                content: completion.tokens.length ? completion.tokens.join('') : null,
                tool_calls: completion.toolCalls.map(({ id, name, arguments: args }) => ({
                  id,
                  type: 'function',
                  function: { name, arguments: args },
                })),
              }
            : { role: 'assistant', content: completion.tokens.join('') },
          logprobs: null,
          finish_reason: completion.finishReason,
        },
      ],
      usage: completion.usage,
    });
  }

  private completion(request: ChatCompletionRequest, reply: SimReply): Completion {
    const text = typeof reply === 'string' ? reply : (reply.text ?? '');
    const toolCalls = typeof reply === 'string' ? [] : numberedCalls(reply.toolCalls);
    let tokens = splitTokens(text);
    let finishReason: Completion['finishReason'] = toolCalls.length ? 'tool_calls' : 'stop';
    const limit = request.max_completion_tokens ?? request.max_tokens;
    if (typeof limit === 'number' && limit >= 0 && tokens.length > limit) {
      tokens = tokens.slice(0, limit);
      finishReason = 'length';
    }
    // A call's fragments count as its tokens; a truncated text never reaches its calls.
    const calls = finishReason === 'length' ? [] : toolCalls;
    const completionTokens = tokens.length + toolCallDeltas(calls).length;
    const promptTokens = estimateTokens(request.messages.map(messageText).join(''));
    return {
      id: `chatcmpl-sim-${++this.completionCount}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      tokens,
      toolCalls: calls,
      finishReason,
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    };
  }

  private async stream(
    request: ChatCompletionRequest,
    completion: Completion,
    fault: StreamFault | undefined,
    res: ServerResponse,
    exchange: Exchange,
  ): Promise<void> {
    const { signal } = exchange.controller;
    const includeUsage = request.stream_options?.include_usage === true;
    const chunk = (delta: Record<string, unknown>, finishReason: string | null): string =>
      `data: ${JSON.stringify({
        id: completion.id,
        object: 'chat.completion.chunk',
        created: completion.created,
        model: completion.model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
        ...(includeUsage ? { usage: null } : {}),
      })}\n\n`;

    // Headers go out at once, as real servers do; the first token comes after ttftMs.
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.flushHeaders();

    // An empty reply still streams one (empty) content delta carrying the role; calls alone carry it with a null content, as OpenAI's do.
    const textDeltas = completion.tokens.map((token) => ({ content: token }));
    const callDeltas = toolCallDeltas(completion.toolCalls);
    const deltas: Record<string, unknown>[] =
      textDeltas.length || callDeltas.length ? [...textDeltas, ...callDeltas] : [{ content: '' }];
    if (!textDeltas.length && callDeltas.length) deltas[0] = { content: null, ...deltas[0] };
    const sendCount = fault ? Math.min(fault.afterTokens ?? 0, deltas.length) : deltas.length;
    for (let i = 0; i < sendCount; i++) {
      if (!(await pause(i === 0 ? this.ttftMs : this.interTokenMs, signal))) return;
      const delta = i === 0 ? { role: 'assistant', ...deltas[i] } : deltas[i];
      if (!(await write(res, chunk(delta, null)))) return;
    }

    switch (fault?.type) {
      case 'stall':
        return untilCancelled(signal);
      case 'cut':
        // Cut when the next token is due, which also gives the client time to read what it was sent.
        if (!(await pause(sendCount === 0 ? this.ttftMs : this.interTokenMs, signal))) return;
        exchange.endedByServer = true;
        res.socket?.destroy();
        return;
      case 'malformed':
        res.end('data: {not json\n\n');
        return;
    }

    if (!(await write(res, chunk({}, completion.finishReason)))) return;
    if (includeUsage) {
      const usageChunk = {
        id: completion.id,
        object: 'chat.completion.chunk',
        created: completion.created,
        model: completion.model,
        choices: [],
        usage: completion.usage,
      };
      if (!(await write(res, `data: ${JSON.stringify(usageChunk)}\n\n`))) return;
    }
    res.end('data: [DONE]\n\n');
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The host to put in the URL: a wildcard bind address is reached through loopback; IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
