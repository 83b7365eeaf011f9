import { DataSource } from 'typeorm';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, startChatApp, waitFor } from '../support/chat-app';
import { uploadText } from '../support/documents';
import { ChatCompletionRequest, LlmSimulator } from '../support/llm-simulator/llm-simulator';
import { readSse } from '../support/sse';

const NOTE = 'Parking\n\nVisitors park on level two. Bicycles go in the courtyard shed, which opens at seven.';

describe('A third OpenAI-compatible endpoint, added by configuration alone', () => {
  let third: LlmSimulator;
  let c: ChatApp;
  let owner: SignedIn;

  beforeAll(async () => {
    third = await LlmSimulator.start({ apiKey: 'third-key', models: ['third-chat', 'third-embed'] });
    c = await startChatApp({
      LLM_ENDPOINTS: JSON.stringify([
        {
          name: 'third',
          base_url: third.url,
          api_key: 'third-key',
          models: ['third-chat', { id: 'third-embed', capabilities: ['embeddings'] }],
        },
      ]),
      EMBEDDING_PROVIDER: 'third',
      EMBEDDING_MODEL: 'third-embed',
    });
    owner = await signUp(c.t);
  });
  afterAll(async () => {
    await c?.close();
    await third?.close();
  });

  it('lists its models after the built-in provider ones', async () => {
    const models = await c.t.http().get('/api/models').set(owner.auth).expect(200);
    expect(models.body.default_model).toBe('sim-chat');
    expect(models.body.models.filter((m: { provider: string }) => m.provider === 'third')).toEqual([
      { id: 'third-chat', provider: 'third', capabilities: ['chat'], served: true },
      { id: 'third-embed', provider: 'third', capabilities: ['embeddings'], served: true },
    ]);
  });

  it("streams an agent's answer from that endpoint's chat model", async () => {
    const agent = (await c.t.http().post('/api/agents').set(owner.auth).send({ name: 'Third', model: 'third-chat' }).expect(201)).body;
    const chat = (await c.t.http().post('/api/chats').set(owner.auth).send({ agent_id: agent.id, title: 'Third' }).expect(201)).body;
    third.ttftMs = 300;
    const sent = await c.t.http().post('/api/messages').set(owner.auth).send({ chat_id: chat.id, content: 'hello third' }).expect(201);
    expect(sent.body.assistant_message).toMatchObject({ status: 'streaming', llm_provider: 'third', llm_model: 'third-chat' });

    const { events } = await readSse(`${c.t.url}/api/messages/stream/${chat.id}`, {
      headers: { Authorization: owner.auth.Authorization },
      until: (event) => event.event !== 'token',
    });
    expect(events.filter((event) => event.event === 'token').length).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'complete', content: 'Echo: hello third' } });

    const request = third.chatRequests().find((r) => (r.body as ChatCompletionRequest).stream === true)!;
    expect(request.headers.authorization).toBe('Bearer third-key');
    expect(request.body as ChatCompletionRequest).toMatchObject({ model: 'third-chat', stream: true, stream_options: { include_usage: true } });
    expect(c.sim.chatRequests()).toEqual([]);
  });

  it("embeds a document's chunks, and the questions searching them, with that endpoint's model", async () => {
    const agent = (await c.t.http().post('/api/agents').set(owner.auth).send({ name: 'Facilities' }).expect(201)).body;
    await uploadText(c.t, owner, 'agent', agent.id, NOTE, 'parking.txt');
    const stored = () =>
      c.t.app.get(DataSource).query<{ embedding_model: string | null }[]>(
        `SELECT c.embedding_model FROM document_chunks c JOIN documents d ON d.id = c.document_id WHERE d.entity_type = 'agent' AND d.entity_id = $1`,
        [agent.id],
      );
    const chunks = await waitFor(stored, (rows) => rows.length > 0 && rows.every((row) => row.embedding_model === 'third-embed'));
    expect(chunks.length).toBeGreaterThan(0);

    const results = (await c.t.http().get(`/api/agents/${agent.id}/search`).query({ q: 'where do visitors park' }).set(owner.auth).expect(200)).body.results;
    expect(results[0]).toMatchObject({ text: expect.stringContaining('level two'), similarity: expect.any(Number) });

    const embedded = third.requests.filter((r) => r.path === '/v1/embeddings');
    expect(embedded.length).toBeGreaterThanOrEqual(2);
    expect(embedded.every((r) => (r.body as { model: string }).model === 'third-embed' && r.headers.authorization === 'Bearer third-key')).toBe(true);
    expect(c.sim.requests.filter((r) => r.path === '/v1/embeddings')).toEqual([]);
  });
});
