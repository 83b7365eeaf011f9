import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { LlmSimulator, simulatedEmbedding, splitTokens } from '../support/llm-simulator/llm-simulator';

/** Polls until `check` holds: the server learns about aborts asynchronously. */
async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Resolves with what the promise rejected with; fails the test if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected a rejection');
}

/** Reads a stream, keeping what arrived even when it ends with an error. */
async function drain(
  stream: AsyncIterable<ChatCompletionChunk>,
  onChunk?: (chunk: ChatCompletionChunk) => void,
): Promise<{ chunks: ChatCompletionChunk[]; tokens: string[]; error?: unknown }> {
  const chunks: ChatCompletionChunk[] = [];
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      onChunk?.(chunk);
    }
  } catch (error) {
    return { chunks, tokens: contentOf(chunks), error };
  }
  return { chunks, tokens: contentOf(chunks) };
}

function contentOf(chunks: ChatCompletionChunk[]): string[] {
  return chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? '').filter(Boolean));
}

function norm(vector: number[]): number {
  return Math.hypot(...vector);
}

describe('LLM simulator (OpenAI-compatible)', () => {
  let sim: LlmSimulator;
  let client: OpenAI;
  const user = (content: string) => [{ role: 'user' as const, content }];

  beforeAll(async () => {
    sim = await LlmSimulator.start();
    client = new OpenAI({ baseURL: sim.url, apiKey: 'test-key', maxRetries: 0 });
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('lists its models', async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toEqual(['sim-chat', 'sim-vision', 'sim-embed']);

    const body: unknown = await (await fetch(`${sim.url}/models`)).json();
    expect(body).toEqual({
      object: 'list',
      data: expect.arrayContaining([
        { id: 'sim-chat', object: 'model', created: expect.any(Number), owned_by: 'simulator' },
      ]),
    });
  });

  it('answers a non-streamed completion with the echo and a usage estimate', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'first question' },
      { role: 'assistant' as const, content: 'first answer' },
      { role: 'user' as const, content: 'hello world' },
    ];
    const completion = await client.chat.completions.create({ model: 'sim-chat', messages, temperature: 0.2 });

    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('sim-chat');
    expect(completion.choices[0].message).toMatchObject({ role: 'assistant', content: 'Echo: hello world' });
    expect(completion.choices[0].finish_reason).toBe('stop');
    const chars = messages.reduce((sum, message) => sum + message.content.length, 0);
    expect(completion.usage).toEqual({
      prompt_tokens: Math.ceil(chars / 4),
      completion_tokens: 3,
      total_tokens: Math.ceil(chars / 4) + 3,
    });
  });

  it('echoes the text parts of a multimodal message and counts its images', async () => {
    const completion = await client.chat.completions.create({
      model: 'sim-vision',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'text', text: 'in these?' },
            { type: 'image_url', image_url: { url: 'https://example.invalid/b.png' } },
          ],
        },
      ],
    });
    expect(completion.choices[0].message.content).toBe('Echo: what is in these? [images: 2]');
  });

  it('splits replies into words that keep their leading space', () => {
    expect(splitTokens('Echo: hi there')).toEqual(['Echo:', ' hi', ' there']);
    expect(splitTokens('a\nb  ').join('')).toBe('a\nb  ');
    expect(splitTokens('')).toEqual([]);
  });

  it('streams the tokens in order, then stop, then usage when asked, then [DONE]', async () => {
    sim.reply = () => 'The quick brown fox jumps.';
    const stream = await client.chat.completions.create({
      model: 'sim-chat',
      messages: user('go'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const { chunks, tokens, error } = await drain(stream);

    expect(error).toBeUndefined();
    expect(tokens).toEqual(['The', ' quick', ' brown', ' fox', ' jumps.']);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: 'The' });
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'sim-chat')).toBe(true);
    const finish = chunks[chunks.length - 2];
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 1, completion_tokens: 5, total_tokens: 6 });

    // The raw stream ends with the [DONE] sentinel the SDK swallows.
    const raw = await fetch(`${sim.url}/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'sim-chat', messages: user('hi'), stream: true }),
    });
    expect(raw.headers.get('content-type')).toBe('text/event-stream');
    const text = await raw.text();
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(text).not.toContain('"usage":{');
  });

  it('streams without a usage chunk unless include_usage is set', async () => {
    const stream = await client.chat.completions.create({ model: 'sim-chat', messages: user('no usage'), stream: true });
    const { chunks, tokens } = await drain(stream);
    expect(tokens.join('')).toBe('Echo: no usage');
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('stop');
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it('honours timings changed at run time, and reset() restores them', async () => {
    sim.ttftMs = 30;
    sim.interTokenMs = 5;
    const arrivals: string[] = [];
    const stream = await client.chat.completions.create({ model: 'sim-chat', messages: user('one two three'), stream: true });
    const { tokens } = await drain(stream, (chunk) => arrivals.push(chunk.choices[0]?.delta.content ?? ''));
    expect(tokens).toEqual(['Echo:', ' one', ' two', ' three']);
    expect(arrivals.filter(Boolean)).toEqual(tokens);

    sim.reset();
    expect([sim.ttftMs, sim.interTokenMs]).toEqual([0, 0]);
  });

  it('lets a test replace the reply, and truncates at max_tokens', async () => {
    sim.reply = (request) => `model=${request.model} temperature=${request.temperature} messages=${request.messages.length}`;
    const completion = await client.chat.completions.create({ model: 'any-name', messages: user('x'), temperature: 0.7 });
    expect(completion.choices[0].message.content).toBe('model=any-name temperature=0.7 messages=1');

    sim.reset();

    const short = await client.chat.completions.create({ model: 'sim-chat', messages: user('a b c d'), max_tokens: 2 });
    expect(short.choices[0].message.content).toBe('Echo: a');
    expect(short.choices[0].finish_reason).toBe('length');
  });

  it('records each request with the body the SDK sent', async () => {
    await client.chat.completions.create({
      model: 'sim-chat',
      messages: user('record me'),
      temperature: 0,
      max_tokens: 50,
      stream: true,
      stream_options: { include_usage: true },
    }).then(drain);
    await client.embeddings.create({ model: 'sim-embed', input: 'x' });

    expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/chat/completions', 'POST /v1/embeddings']);
    const [chat] = sim.chatRequests();
    expect(chat.body).toEqual({
      model: 'sim-chat',
      messages: [{ role: 'user', content: 'record me' }],
      temperature: 0,
      max_tokens: 50,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(chat.headers.authorization).toBe('Bearer test-key');
    expect(chat.aborted).toBe(false);
    expect(typeof chat.at).toBe('number');
  });

  describe('faults', () => {
    it('rate_limit: 429 with Retry-After, consumed by one request only', async () => {
      sim.enqueueFault({ type: 'rate_limit', retryAfterSeconds: 7 });
      const error = await rejection(client.chat.completions.create({ model: 'sim-chat', messages: user('hi') }));
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(429);
      expect((error as APIError).headers?.get('retry-after')).toBe('7');
      expect((error as APIError).error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });

      const next = await client.chat.completions.create({ model: 'sim-chat', messages: user('hi') });
      expect(next.choices[0].message.content).toBe('Echo: hi');
    });

    it('server_error: 500 by default or the given status; faults apply in FIFO order', async () => {
      sim.enqueueFault({ type: 'server_error' });
      sim.enqueueFault({ type: 'server_error', status: 503 });
      const first = await rejection(client.chat.completions.create({ model: 'sim-chat', messages: user('a') }));
      const second = await rejection(
        client.chat.completions.create({ model: 'sim-chat', messages: user('b'), stream: true }),
      );
      expect([(first as APIError).status, (second as APIError).status]).toEqual([500, 503]);
      await expect(client.chat.completions.create({ model: 'sim-chat', messages: user('c') })).resolves.toBeDefined();
    });

    it('cut: the stream throws after the first N tokens', async () => {
      sim.enqueueFault({ type: 'cut', afterTokens: 2 });
      const stream = await client.chat.completions.create({ model: 'sim-chat', messages: user('one two three'), stream: true });
      const { tokens, error } = await drain(stream);
      expect(tokens).toEqual(['Echo:', ' one']);
      // fetch's own error (a TypeError from another realm than Jest's, so no instanceof Error).
      expect(error).toBeDefined();
      expect(error).not.toBeInstanceOf(APIUserAbortError);
      // The simulator cut the connection itself: that is not a client abort.
      expect(sim.chatRequests()[0].aborted).toBe(false);
    });

    it('cut: a non-streamed request gets no answer at all', async () => {
      sim.enqueueFault({ type: 'cut', afterTokens: 0 });
      const error = await rejection(client.chat.completions.create({ model: 'sim-chat', messages: user('hi') }));
      expect(error).toBeInstanceOf(APIConnectionError);
    });

    it('malformed: the stream throws on the line that is not JSON', async () => {
      sim.enqueueFault({ type: 'malformed', afterTokens: 1 });
      // The SDK logs the line it could not parse: capture it rather than print it.
      const logger = { error: jest.fn(), warn: jest.fn(), info: jest.fn(), debug: jest.fn() };
      const quiet = new OpenAI({ baseURL: sim.url, apiKey: 'test-key', maxRetries: 0, logger });
      const stream = await quiet.chat.completions.create({ model: 'sim-chat', messages: user('one two'), stream: true });
      const { tokens, error } = await drain(stream);
      expect(tokens).toEqual(['Echo:']);
      expect(error).toBeDefined();
      expect(String(error)).toMatch(/JSON/);
      expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('JSON'), '{not json');
    });

    it('malformed: a non-streamed request gets a 200 whose body is not JSON', async () => {
      sim.enqueueFault({ type: 'malformed' });
      const res = await fetch(`${sim.url}/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'sim-chat', messages: user('hi') }),
      });
      expect(res.status).toBe(200);
      await expect(res.json()).rejects.toThrow();
    });

    it('stall: the stream goes silent after N tokens until the client aborts, which is recorded', async () => {
      sim.enqueueFault({ type: 'stall', afterTokens: 1 });
      const controller = new AbortController();
      const stream = await client.chat.completions.create(
        { model: 'sim-chat', messages: user('one two'), stream: true },
        { signal: controller.signal },
      );
      // Abort as soon as the only token sent has arrived; the SDK then ends the iteration quietly.
      const { chunks, tokens, error } = await drain(stream, () => controller.abort());
      expect(error).toBeUndefined();
      expect(tokens).toEqual(['Echo:']);
      expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason)).toBe(false);
      await waitFor(() => sim.chatRequests()[0]?.aborted === true, 'the stalled stream to be marked aborted');
    });

    it('stall: a non-streamed request is never answered until aborted', async () => {
      sim.enqueueFault({ type: 'stall' });
      const controller = new AbortController();
      const pending = fetch(`${sim.url}/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'sim-chat', messages: user('hi') }),
        signal: controller.signal,
      });
      await waitFor(() => sim.chatRequests().length === 1, 'the request to arrive');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sim.chatRequests()[0].aborted).toBe(false);
      controller.abort();
      await expect(pending).rejects.toThrow();
      await waitFor(() => sim.chatRequests()[0].aborted, 'the stalled request to be marked aborted');
    });

    it('close() ends stalled streams so nothing hangs', async () => {
      const other = await LlmSimulator.start();
      other.enqueueFault({ type: 'stall' });
      const res = await fetch(`${other.url}/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'sim-chat', messages: user('hi'), stream: true }),
      });
      expect(res.status).toBe(200);
      const body = res.text();
      await other.close();
      await expect(body).rejects.toThrow();
      expect(other.chatRequests()[0].aborted).toBe(false);
    });
  });

  describe('embeddings', () => {
    it('returns deterministic unit vectors through the SDK (base64 by default)', async () => {
      const result = await client.embeddings.create({ model: 'sim-embed', input: ['alpha', 'beta', 'alpha'] });
      expect(sim.requests[0].body).toMatchObject({ encoding_format: 'base64' });
      expect(result.object).toBe('list');
      expect(result.model).toBe('sim-embed');
      expect(result.data.map((item) => item.index)).toEqual([0, 1, 2]);
      const [alpha, beta, alphaAgain] = result.data.map((item) => item.embedding);
      expect(alpha).toHaveLength(1024);
      expect(norm(alpha)).toBeCloseTo(1, 5);
      expect(alphaAgain).toEqual(alpha);
      expect(beta).not.toEqual(alpha);
      expect(alpha).toEqual(simulatedEmbedding('alpha', 1024));
      // ceil(5 / 4) + ceil(4 / 4) + ceil(5 / 4)
      expect(result.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    });

    it('returns the same numbers as plain floats', async () => {
      const asBase64 = await client.embeddings.create({ model: 'sim-embed', input: 'gamma' });
      const asFloat = await client.embeddings.create({ model: 'sim-embed', input: 'gamma', encoding_format: 'float' });
      expect(sim.requests[1].body).toMatchObject({ encoding_format: 'float' });
      expect(asFloat.data[0].embedding).toHaveLength(1024);
      expect(asFloat.data[0].embedding).toEqual(asBase64.data[0].embedding);
    });
  });

  describe('errors', () => {
    const post = (path: string, body: string) =>
      fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

    it('answers an unknown route with a 404 in the OpenAI error shape', async () => {
      const res = await fetch(`${sim.url}/nowhere`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'not_found' },
      });
    });

    it('answers invalid JSON or a malformed request with a 400', async () => {
      const invalid = await post('/chat/completions', '{"model": ');
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_json' } });
      expect(sim.requests[0].body).toBe('{"model": ');

      expect((await post('/chat/completions', JSON.stringify({ model: 'sim-chat' }))).status).toBe(400);
      expect((await post('/embeddings', JSON.stringify({ model: 'sim-embed', input: [] }))).status).toBe(400);
    });
  });

  describe('options', () => {
    let keyed: LlmSimulator;
    beforeAll(async () => {
      keyed = await LlmSimulator.start({ apiKey: 'secret', embeddingDim: 8, models: ['only-model'] });
    });
    afterAll(() => keyed.close());

    it('enforces the API key with a 401', async () => {
      const wrong = new OpenAI({ baseURL: keyed.url, apiKey: 'wrong', maxRetries: 0 });
      const error = await rejection(wrong.models.list());
      expect((error as APIError).status).toBe(401);
      expect((await fetch(`${keyed.url}/models`)).status).toBe(401);

      const right = new OpenAI({ baseURL: keyed.url, apiKey: 'secret', maxRetries: 0 });
      expect((await right.models.list()).data.map((model) => model.id)).toEqual(['only-model']);
    });

    it('uses the configured embedding dimension', async () => {
      const right = new OpenAI({ baseURL: keyed.url, apiKey: 'secret', maxRetries: 0 });
      const result = await right.embeddings.create({ model: 'any', input: 'delta', encoding_format: 'float' });
      expect(result.data[0].embedding).toHaveLength(8);
      expect(norm(result.data[0].embedding)).toBeCloseTo(1, 5);
    });
  });
});
