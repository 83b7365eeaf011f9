import OpenAI from 'openai';
import { DataSource } from 'typeorm';
import { UsageRecord } from '#database';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, startChatApp, waitFor } from '../support/chat-app';
import { uploadText } from '../support/documents';
import type { ChatCompletionRequest } from '../support/llm-simulator/llm-simulator';

// A 1x1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const RATE_LIMIT = 4;

describe('OpenAI-compatible API, through the official openai SDK', () => {
  let c: ChatApp;
  let url: string;
  let admin: SignedIn;

  beforeAll(async () => {
    c = await startChatApp({
      RATE_LIMIT_MESSAGES_PER_MINUTE: String(RATE_LIMIT),
      MAX_CONCURRENT_GENERATIONS: '2',
      // Each test signs up its own users.
      REGISTER_RATE_LIMIT: '100',
      LOGIN_RATE_LIMIT: '100',
    });
    url = c.t.url;
    admin = await signUp(c.t);
  });
  afterAll(() => c.close());

  const createAgent = async (owner: SignedIn, fields: object = {}): Promise<number> =>
    (await c.t.http().post('/api/agents').set(owner.auth).send({ name: 'Assistant', system_prompt: 'You are the agent.', ...fields }).expect(201)).body.id;
  const createKey = async (owner: SignedIn, fields: object = {}): Promise<{ id: number; token: string }> =>
    (await c.t.http().post('/api/api-keys').set(owner.auth).send({ name: 'script', ...fields }).expect(201)).body;
  const client = (token: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey: token, maxRetries: 0 });
  const ledger = (userId: number) => c.t.app.get(DataSource).getRepository(UsageRecord).find({ where: { user_id: userId }, order: { id: 'ASC' } });
  const chatsOf = async (user: SignedIn) => (await c.t.http().get('/api/chats').set(user.auth).expect(200)).body.items as { id: number }[];
  const lastSimRequest = () => c.sim.chatRequests().at(-1)!.body as ChatCompletionRequest;

  /** A user with an agent of their own and a chat key for it. */
  async function userWithKey(agent: object = {}, key: object = {}) {
    const user = await signUp(c.t);
    const agentId = await createAgent(user, agent);
    const { id, token } = await createKey(user, key);
    return { user, agentId, keyId: id, openai: client(token) };
  }

  it('lists the agents the key may use as models, and gets one', async () => {
    const other = await signUp(c.t);
    const publicId = await createAgent(other, { name: 'Public helper', is_public: true });
    const privateOfOther = await createAgent(other, { name: 'Secret' });
    const { agentId, openai } = await userWithKey({ name: 'Mine', temperature: 0.2 });

    const models = await openai.models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining([`agent-${agentId}`, `agent-${publicId}`]));
    expect(ids).not.toContain(`agent-${privateOfOther}`);
    const mine = models.data.find((model) => model.id === `agent-${agentId}`)!;
    expect(mine).toMatchObject({ object: 'model', owned_by: expect.any(String), foyergpt: { agent_id: agentId, name: 'Mine', model: 'sim-chat' } });
    expect(mine.created).toBeGreaterThan(1_700_000_000);

    expect(await openai.models.retrieve(`agent-${publicId}`)).toMatchObject({ id: `agent-${publicId}`, foyergpt: { name: 'Public helper' } });
    await expect(openai.models.retrieve(`agent-${privateOfOther}`)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('streams a completion: a role chunk, the deltas, finish_reason, the usage chunk, then [DONE]; nothing stored but the ledger row', async () => {
    const { user, agentId, openai } = await userWithKey({ system_prompt: 'You are terse.', temperature: 0.3 });
    const stream = await openai.chat.completions.create({
      model: `agent-${agentId}`,
      messages: [
        { role: 'system', content: 'Answer in English.' },
        { role: 'user', content: 'Earlier question' },
        { role: 'assistant', content: 'Earlier answer' },
        { role: 'user', content: 'hello there' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === `agent-${agentId}`)).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Echo: hello there');
    const final = chunks.find((chunk) => chunk.choices[0]?.finish_reason)!;
    expect(final.choices[0].finish_reason).toBe('stop');
    expect((final as unknown as { foyergpt: unknown }).foyergpt).toEqual({ citations: [], served_by: { provider: 'mistral', model: 'sim-chat' }, chat_id: null });
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    const { prompt_tokens, completion_tokens, total_tokens } = usage.usage!;
    expect(prompt_tokens).toBeGreaterThan(0);
    expect(completion_tokens).toBeGreaterThan(0);
    expect(total_tokens).toBe(prompt_tokens + completion_tokens);

    // The agent's system prompt first, the client's system message after it, then the conversation; the agent's temperature.
    const sent = lastSimRequest();
    expect(sent.messages.map((m) => [m.role, m.content])).toEqual([
      ['system', 'You are terse.'],
      ['system', 'Answer in English.'],
      ['user', 'Earlier question'],
      ['assistant', 'Earlier answer'],
      ['user', 'hello there'],
    ]);
    expect(sent.temperature).toBe(0.3);

    expect(await chatsOf(user)).toEqual([]);
    // Mistral's API reports no usage in streams: our estimate, the same the client got.
    expect((await ledger(user.id)).map((row) => [row.purpose, row.agent_id, row.provider, row.model, row.outcome, row.chat_id, row.estimated])).toEqual([
      ['api_completion', agentId, 'mistral', 'sim-chat', 'complete', null, true],
    ]);
    expect((await ledger(user.id)).map((row) => [row.prompt_tokens, row.completion_tokens])).toEqual([[prompt_tokens, completion_tokens]]);
  });

  it('ends the raw stream with data: [DONE]', async () => {
    const { agentId, openai } = await userWithKey();
    const response = await openai.chat.completions
      .create({ model: `agent-${agentId}`, messages: [{ role: 'user', content: 'raw' }], stream: true })
      .asResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const body = await response.text();
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(body).not.toContain('"usage"');
  });

  it('answers without streaming with usage, the overrides allowed and the output cap', async () => {
    const { user, agentId, openai } = await userWithKey({ temperature: 0.9 });
    const completion = await openai.chat.completions.create({
      model: `agent-${agentId}`,
      messages: [{ role: 'user', content: 'how are you' }],
      temperature: 0.1,
      max_completion_tokens: 50,
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: `agent-${agentId}`,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Echo: how are you' }, finish_reason: 'stop' }],
    });
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    expect(lastSimRequest()).toMatchObject({ temperature: 0.1 });
    expect([lastSimRequest().max_tokens, lastSimRequest().max_completion_tokens]).toContain(50);
    expect(await chatsOf(user)).toEqual([]);
    const [row] = await ledger(user.id);
    expect(row).toMatchObject({
      purpose: 'api_completion',
      prompt_tokens: completion.usage!.prompt_tokens,
      completion_tokens: completion.usage!.completion_tokens,
      outcome: 'complete',
    });

    const cap = c.t.config.llm.maxOutputTokens;
    const tooLong = openai.chat.completions.create({ model: `agent-${agentId}`, messages: [{ role: 'user', content: 'x' }], max_tokens: cap + 1 });
    await expect(tooLong).rejects.toMatchObject({ status: 400, param: 'max_tokens' });
  });

  it("puts the agent's sources in the prompt and their citations in the extension field", async () => {
    const { user, agentId, openai } = await userWithKey({ name: 'HR' });
    const documentId = await uploadText(c.t, user, 'agent', agentId, 'Congés\n\nChaque salarié dispose de vingt-cinq jours de congés payés par an.', 'handbook.md');
    const completion = await openai.chat.completions.create({
      model: `agent-${agentId}`,
      messages: [{ role: 'user', content: 'combien de jours de congés payés par an ?' }],
    });
    const { citations } = (completion as unknown as { foyergpt: { citations: { document_id: number; filename: string; index: number }[] } }).foyergpt;
    expect(citations).toEqual([expect.objectContaining({ index: 1, document_id: documentId, filename: 'handbook.md' })]);
    const system = lastSimRequest().messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
    expect(system).toContain('[1] handbook.md');
    expect(system).toContain('vingt-cinq jours');
  });

  it('sends image parts to the vision model, and refuses remote image URLs', async () => {
    const { agentId, openai } = await userWithKey();
    await openai.chat.completions.create({
      model: `agent-${agentId}`,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }],
    });
    const sent = lastSimRequest();
    expect(sent.model).toBe('sim-vision');
    expect(JSON.stringify(sent.messages.at(-1))).toContain(`data:image/png;base64,${PNG}`);

    const before = c.sim.chatRequests().length;
    const remote = openai.chat.completions.create({
      model: `agent-${agentId}`,
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://169.254.169.254/latest/meta-data' } }] }],
    });
    await expect(remote).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(remote).rejects.toMatchObject({ status: 400, param: 'messages[0].content[0].image_url.url', type: 'invalid_request_error' });
    expect(c.sim.chatRequests().length).toBe(before);
  });

  it('raises AuthenticationError for a revoked key and for a made-up one, never echoing the key', async () => {
    const { user, agentId, keyId, openai } = await userWithKey();
    await openai.models.list();
    await c.t.http().delete(`/api/api-keys/${keyId}`).set(user.auth).expect(204);
    const revoked = openai.chat.completions.create({ model: `agent-${agentId}`, messages: [{ role: 'user', content: 'hi' }] });
    await expect(revoked).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(revoked).rejects.toMatchObject({ status: 401, type: 'authentication_error', code: 'invalid_api_key' });

    const madeUp = `fgk_${'x'.repeat(43)}`;
    const failure = await client(madeUp).models.list().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(JSON.stringify((failure as InstanceType<typeof OpenAI.APIError>).error)).not.toContain('x'.repeat(43));
  });

  it('raises RateLimitError past the messages per minute, counted together with chat sends', async () => {
    const { user, agentId, openai } = await userWithKey();
    const chat = (await c.t.http().post('/api/chats').set(user.auth).send({ agent_id: agentId, title: 'chat' }).expect(201)).body;
    await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chat.id, content: 'from the web', stream: false }).expect(201);
    const ask = () => openai.chat.completions.create({ model: `agent-${agentId}`, messages: [{ role: 'user', content: 'again' }] });
    for (let i = 1; i < RATE_LIMIT; i++) await ask();
    const limited = await ask().catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect(Number((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('raises RateLimitError, with Retry-After, once a budget is spent', async () => {
    const { user, agentId, openai } = await userWithKey();
    await c.t.http().put(`/api/admin/budgets/users/${user.id}`).set(admin.auth).send({ messages_per_day: 1 }).expect(200);
    const ask = () => openai.chat.completions.create({ model: `agent-${agentId}`, messages: [{ role: 'user', content: 'budget' }] });
    await ask();
    const refused = await ask().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number((refused as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('counts every message the client sent against a token budget, not only the last', async () => {
    const { user, agentId, openai } = await userWithKey();
    await c.t.http().put(`/api/admin/budgets/users/${user.id}`).set(admin.auth).send({ tokens_per_day: 500 }).expect(200);
    const history = Array.from({ length: 6 }, (_, i) => ({ role: i % 2 ? ('assistant' as const) : ('user' as const), content: 'word '.repeat(200) }));
    const refused = await openai.chat.completions
      .create({ model: `agent-${agentId}`, messages: [...history, { role: 'user', content: 'short question' }] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const answered = await openai.chat.completions.create({ model: `agent-${agentId}`, messages: [{ role: 'user', content: 'short question' }] });
    expect(answered.choices[0].message.content).toContain('short question');
  });

  it('raises RateLimitError past the completions in progress per user', async () => {
    const { agentId, openai } = await userWithKey();
    c.sim.reply = () => Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    c.sim.interTokenMs = 50;
    const aborts = [new AbortController(), new AbortController()];
    try {
      const ask = (signal?: AbortSignal) =>
        openai.chat.completions.create({ model: `agent-${agentId}`, messages: [{ role: 'user', content: 'slow' }], stream: true }, { signal });
      // MAX_CONCURRENT_GENERATIONS=2 streams under way (each past its first token)...
      for (const abort of aborts) {
        const stream = await ask(abort.signal);
        await stream[Symbol.asyncIterator]().next();
      }
      // ...a third waits its turn.
      await expect(ask()).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    } finally {
      for (const abort of aborts) abort.abort();
      c.sim.reset();
    }
  });

  it("raises NotFoundError for another user's private agent, an agent outside the key's scope and an unknown model", async () => {
    const other = await signUp(c.t);
    const theirs = await createAgent(other);
    const user = await signUp(c.t);
    const inScope = await createAgent(user, { name: 'In scope' });
    const outOfScope = await createAgent(user, { name: 'Out of scope' });
    const scoped = client((await createKey(user, { agent_ids: [inScope] })).token);
    const ask = (model: string) => scoped.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

    for (const model of [`agent-${theirs}`, `agent-${outOfScope}`, 'gpt-4o', 'agent-999999']) {
      await expect(ask(model)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
      await expect(ask(model)).rejects.toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    }
    expect((await scoped.models.list()).data.map((model) => model.id)).toEqual([`agent-${inScope}`]);
    await expect(scoped.models.retrieve(`agent-${outOfScope}`)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(ask(`agent-${inScope}`)).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('raises PermissionDeniedError for a completion with a read key, which may still list models and embed', async () => {
    const user = await signUp(c.t);
    const agentId = await createAgent(user);
    const reader = client((await createKey(user, { access: 'read' })).token);
    const before = c.sim.chatRequests().length;
    await expect(reader.chat.completions.create({ model: `agent-${agentId}`, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(
      OpenAI.PermissionDeniedError,
    );
    expect(c.sim.chatRequests().length).toBe(before);
    expect((await reader.models.list()).data.map((model) => model.id)).toContain(`agent-${agentId}`);
    await expect(reader.embeddings.create({ model: 'mistral-embed', input: 'hello' })).resolves.toMatchObject({ object: 'list' });
  });

  it('raises BadRequestError, naming the parameter, for what agents do not support', async () => {
    const { agentId, openai } = await userWithKey();
    const model = `agent-${agentId}`;
    const user = { role: 'user' as const, content: 'hi' };
    const refused: [object, string][] = [
      [{ n: 2 }, 'n'],
      [{ tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }, 'tools'],
      [{ stop: ['\n'] }, 'stop'],
      [{ top_p: 0.5 }, 'top_p'],
      [{ temperature: 3 }, 'temperature'],
      [{ seed: 1 }, 'seed'],
      [{ response_format: { type: 'json_object' } }, 'response_format.type'],
      [{ messages: [user, { role: 'assistant', content: 'no' }] }, 'messages[1].role'],
      [{ messages: [{ role: 'tool', content: 'x', tool_call_id: '1' }, user] }, 'messages[0].role'],
      [{ messages: [] }, 'messages'],
    ];
    const before = c.sim.chatRequests().length;
    for (const [fields, param] of refused) {
      const request = { model, messages: [user], ...fields } as OpenAI.ChatCompletionCreateParamsNonStreaming;
      const failure = await openai.chat.completions.create(request).catch((error: unknown) => error);
      expect({ param, failure }).toEqual({ param, failure: expect.any(OpenAI.BadRequestError) });
      expect({ param, got: (failure as InstanceType<typeof OpenAI.BadRequestError>).param, type: (failure as InstanceType<typeof OpenAI.BadRequestError>).type }).toEqual({ param, got: param, type: 'invalid_request_error' });
    }
    expect(c.sim.chatRequests().length).toBe(before);
  });

  it("answers every /v1 failure in OpenAI's error shape: malformed JSON, unknown paths, a missing key", async () => {
    const { agentId } = await userWithKey();
    const { token } = await createKey(await signUp(c.t));
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const malformed = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: `{"model": "agent-${agentId}",` });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: { message: 'Malformed JSON in request body', type: 'invalid_request_error', code: null, param: null } });

    const unknown = await fetch(`${url}/v1/completions`, { method: 'POST', headers, body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: expect.objectContaining({ type: 'not_found_error', code: null }) });

    const anonymous = await fetch(`${url}/v1/models`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: expect.objectContaining({ type: 'authentication_error', code: 'invalid_api_key' }) });

    // The rest of the API keeps its own shape.
    expect(await (await fetch(`${url}/api/no-such-route`)).json()).toEqual({ detail: 'Not Found' });
  });

  it('creates embeddings, with usage and a ledger row', async () => {
    const { user, openai } = await userWithKey();
    // The SDK asks for base64 and decodes it; float is checked raw below.
    const result = await openai.embeddings.create({ model: 'mistral-embed', input: ['first text', 'second text'] });
    expect(result.object).toBe('list');
    expect(result.model).toBe('mistral-embed');
    expect(result.data.map((item) => [item.object, item.index, item.embedding.length])).toEqual([
      ['embedding', 0, 1024],
      ['embedding', 1, 1024],
    ]);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
    const [row] = await ledger(user.id);
    expect([row.purpose, row.model, row.prompt_tokens]).toEqual(['api_embedding', 'mistral-embed', result.usage.prompt_tokens]);
    const floats = await openai.embeddings.create({ model: 'mistral-embed', input: 'first text', encoding_format: 'float' });
    expect(floats.data[0].embedding).toEqual(result.data[0].embedding.map((value) => expect.closeTo(value, 5)));
    await expect(openai.embeddings.create({ model: 'other-embed', input: 'x' })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    await expect(openai.embeddings.create({ model: 'mistral-embed', input: [] })).rejects.toMatchObject({ status: 400, param: 'input' });
  });

  it('saves the exchange as a chat when X-FoyerGPT-Save-Chat asks, streamed or not', async () => {
    const { user, agentId, openai } = await userWithKey();
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: 'second question' },
    ];
    const { data, response } = await openai.chat.completions
      .create({ model: `agent-${agentId}`, messages }, { headers: { 'X-FoyerGPT-Save-Chat': 'true' } })
      .withResponse();
    const chatId = (data as unknown as { foyergpt: { chat_id: number } }).foyergpt.chat_id;
    expect(chatId).toEqual(expect.any(Number));
    expect(response.headers.get('x-foyergpt-chat-id')).toBe(String(chatId));
    const chat = await c.t.http().get(`/api/chats/${chatId}`).set(user.auth).expect(200);
    expect(chat.body).toMatchObject({ agent_id: agentId, title: 'second question' });
    const saved = [...(chat.body.messages as { id: number; role: string; content: string }[])].sort((a, b) => a.id - b.id);
    expect(saved.map((m) => [m.role, m.content])).toEqual([
      ['user', 'first question'],
      ['assistant', 'first answer'],
      ['user', 'second question'],
      ['assistant', 'Echo: second question'],
    ]);

    const stream = await openai.chat.completions.create(
      { model: `agent-${agentId}`, messages: [{ role: 'user', content: 'streamed' }], stream: true },
      { headers: { 'X-FoyerGPT-Save-Chat': 'true' } },
    );
    let streamedChat: number | null = null;
    for await (const chunk of stream) streamedChat ??= (chunk as unknown as { foyergpt?: { chat_id: number } }).foyergpt?.chat_id ?? null;
    expect(streamedChat).toEqual(expect.any(Number));
    expect((await chatsOf(user)).map((chat) => chat.id).sort()).toEqual([chatId, streamedChat].sort());
    expect((await ledger(user.id)).map((row) => row.chat_id)).toEqual([chatId, streamedChat]);
  });

  it('ends a stream that fails after its first token with an error event the SDK raises, the partial text kept by the client', async () => {
    const { user, agentId, openai } = await userWithKey();
    c.sim.enqueueFault({ type: 'cut', afterTokens: 2 });
    const stream = await openai.chat.completions.create({ model: `agent-${agentId}`, messages: [{ role: 'user', content: 'one two three four' }], stream: true });
    let text = '';
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(text).toBe('Echo: one');
    // Never moved to another endpoint once text was sent: one call.
    expect((await ledger(user.id)).map((row) => row.outcome)).toEqual(['failed']);
  });

  it('aborts the upstream call when the client goes away, and records the call as stopped', async () => {
    const { user, agentId, openai } = await userWithKey();
    c.sim.reply = () => Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
    c.sim.interTokenMs = 50;
    try {
      const stream = await openai.chat.completions.create({ model: `agent-${agentId}`, messages: [{ role: 'user', content: 'long' }], stream: true });
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) break;
      await waitFor(async () => c.sim.chatRequests().at(-1)!.aborted, (aborted) => aborted);
      const rows = await waitFor(() => ledger(user.id), (found) => found.length === 1);
      expect(rows[0]).toMatchObject({ purpose: 'api_completion', outcome: 'stopped' });
    } finally {
      c.sim.reset();
    }
  });
});
