import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createWorker } from '../../apps/worker/src/create-worker';
import { DocumentChunk } from '#database';
import { usesWorker } from '#jobs';
import { VectorIndex } from '#retrieval';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, startChatApp, waitFor } from '../support/chat-app';
import { uploadText } from '../support/documents';
import { ChatCompletionRequest, LlmSimulator } from '../support/llm-simulator/llm-simulator';
import { startApp, testEnvironment, TestApp } from '../support/test-app';

const HANDBOOK = [
  'Politique de congés\n\nChaque salarié dispose de vingt-cinq jours de congés payés par an. Les demandes de congés se font trois semaines à l’avance.',
  'Télétravail\n\nLe télétravail est possible deux jours par semaine avec l’accord du responsable.',
].join('\n\n');
const SECURITY = [
  'Security policy\n\nPasswords must be rotated every ninety days. Laptops must use full disk encryption.',
  'Expenses\n\nTravel expenses are reimbursed within thirty days after the receipts are submitted.',
].join('\n\n');
const BUILDING = 'Sécurité du bâtiment\n\nLe badge d’accès doit être porté de façon visible. Les visiteurs sont accompagnés.';

const systemText = (request: ChatCompletionRequest) =>
  request.messages.filter((m) => m.role === 'system').map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');

for (const mode of ['lexical only', 'hybrid'] as const) {
  describe(`Retrieval (${mode})`, () => {
    let c: ChatApp;
    let owner: SignedIn;
    let agentId: number;
    let documentIds: number[];

    beforeAll(async () => {
      c = await startChatApp({
        EMBEDDING_PROVIDER: mode === 'hybrid' ? 'mistral' : 'none',
        CHUNK_TOKENS: '60',
        CHUNK_OVERLAP_TOKENS: '0',
        MAX_CONCURRENT_GENERATIONS: '20',
      });
      owner = await signUp(c.t);
      agentId = (await c.t.http().post('/api/agents').set(owner.auth).send({ name: 'HR', is_public: true, system_prompt: 'You answer HR questions.' }).expect(201)).body.id;
      documentIds = [
        await uploadText(c.t, owner, 'agent', agentId, HANDBOOK, 'handbook.md'),
        await uploadText(c.t, owner, 'agent', agentId, SECURITY, 'security.txt'),
        await uploadText(c.t, owner, 'agent', agentId, BUILDING, 'batiment.txt'),
      ];
    });
    afterAll(() => c.close());

    const search = async (q: string) =>
      (await c.t.http().get(`/api/agents/${agentId}/search`).query({ q }).set(owner.auth).expect(200)).body.results as { text: string; document_id: number; similarity: number | null }[];

    it('finds the right chunk first for questions phrased differently, accents or not', async () => {
      expect((await search('combien de jours de conge par an'))[0].text).toContain('vingt-cinq jours');
      expect((await search('can I work from home? teletravail'))[0].text).toContain('deux jours par semaine');
      expect((await search('how often should passwords change'))[0].text).toContain('rotated every ninety days');
      expect((await search('securite batiment'))[0].text).toContain('badge');
      const [first] = await search('reimbursed travel receipts');
      expect(first.text).toContain('Travel expenses');
      expect(first.similarity === null).toBe(mode === 'lexical only');
    });

    it('uses pgvector where the database has it (embedded), exact scoring otherwise (Debian PostgreSQL)', () => {
      expect(c.t.app.get(VectorIndex).backend).toBe(process.env.TEST_DATABASE_URL ? 'exact' : 'pgvector');
    });

    it('puts the sources in the prompt and stores citations on the answer', async () => {
      const user = await signUp(c.t);
      const chat = (await c.t.http().post('/api/chats').set(user.auth).send({ agent_id: agentId, title: 'Congés' }).expect(201)).body;
      const sent = await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chat.id, content: 'Combien de jours de congés ai-je par an ?', stream: false }).expect(201);
      const prompt = c.sim.chatRequests().at(-1)!.body as ChatCompletionRequest;
      expect(systemText(prompt)).toContain('[1] handbook.md, page 1\nPolitique de congés');
      const citations = sent.body.assistant_message.citations;
      expect(citations[0]).toMatchObject({ index: 1, document_id: documentIds[0], filename: 'handbook.md', page: 1, chunk_id: expect.any(Number) });
      expect(citations[0].snippet).toContain('vingt-cinq jours');

      const nothing = await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chat.id, content: 'xyzzy plugh', stream: false }).expect(201);
      if (mode === 'lexical only') expect(nothing.body.assistant_message.citations).toBeNull();
      expect(systemText(c.sim.chatRequests().at(-1)!.body as ChatCompletionRequest)).not.toContain(mode === 'lexical only' ? 'Sources from' : 'never-present');
    });

    it('never gives one user\'s chat documents to another user of the same agent', async () => {
      const alice = await signUp(c.t);
      const bob = await signUp(c.t);
      const aliceChat = (await c.t.http().post('/api/chats').set(alice.auth).send({ agent_id: agentId, title: 'A' }).expect(201)).body;
      const bobChat = (await c.t.http().post('/api/chats').set(bob.auth).send({ agent_id: agentId, title: 'B' }).expect(201)).body;
      await uploadText(c.t, alice, 'chat', aliceChat.id, 'Le code du projet secret est ZEBRA quarante-deux.', 'secret.txt');

      const aliceSearch = await c.t.http().get(`/api/chats/${aliceChat.id}/search`).query({ q: 'code du projet secret' }).set(alice.auth).expect(200);
      expect(aliceSearch.body.results[0].text).toContain('ZEBRA');
      const bobSearch = await c.t.http().get(`/api/chats/${bobChat.id}/search`).query({ q: 'code du projet secret ZEBRA' }).set(bob.auth).expect(200);
      expect(JSON.stringify(bobSearch.body.results)).not.toContain('ZEBRA');
      await c.t.http().get(`/api/chats/${aliceChat.id}/search`).query({ q: 'secret' }).set(bob.auth).expect(404);
      await c.t.http().get(`/api/agents/${agentId}/search`).query({ q: 'secret' }).set(bob.auth).expect(403);

      await c.t.http().post('/api/messages').set(bob.auth).send({ chat_id: bobChat.id, content: 'Quel est le code du projet secret ? Et les congés ?', stream: false }).expect(201);
      const prompt = JSON.stringify(c.sim.chatRequests().at(-1)!.body);
      expect(prompt).not.toContain('ZEBRA');
      expect(prompt).toContain('vingt-cinq jours');
    });
  });
}

describe('Memories: agents that learn from interaction', () => {
  let c: ChatApp;

  beforeAll(async () => {
    c = await startChatApp({ MAX_CONCURRENT_GENERATIONS: '20' });
    c.sim.reply = (request) =>
      systemText(request).includes('long-term memory') ? '["Prépare le budget 2027 de l\'équipe finance."]' : 'Noted.';
  });
  afterAll(() => c.close());

  it('learns per user, uses it in later chats of that user only, and forgets on request', async () => {
    const owner = await signUp(c.t);
    const agent = (await c.t.http().post('/api/agents').set(owner.auth).send({ name: 'Coach', is_public: true, learn_from_interaction: true }).expect(201)).body;
    const alice = await signUp(c.t);
    const bob = await signUp(c.t);
    const newChat = async (user: SignedIn) => (await c.t.http().post('/api/chats').set(user.auth).send({ agent_id: agent.id, title: 'Chat' }).expect(201)).body.id;
    const ask = async (user: SignedIn, chatId: number, content: string) => {
      await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content, stream: false }).expect(201);
      return systemText([...c.sim.chatRequests()].reverse().find((r) => !systemText(r.body as ChatCompletionRequest).includes('long-term memory'))!.body as ChatCompletionRequest);
    };

    await ask(alice, await newChat(alice), 'Je prépare le budget 2027 de l’équipe finance.');
    const memories = await waitFor(
      async () => (await c.t.http().get(`/api/agents/${agent.id}/memories`).set(alice.auth).expect(200)).body.items,
      (list: { id: number }[]) => list.length > 0,
    );
    expect(memories).toEqual([expect.objectContaining({ content: "Prépare le budget 2027 de l'équipe finance.", source_message_id: expect.any(Number) })]);
    expect((await c.t.http().get(`/api/agents/${agent.id}/memories`).set(bob.auth).expect(200)).body.items).toEqual([]);

    expect(await ask(alice, await newChat(alice), 'Quel budget dois-je finir ?')).toContain('budget 2027');
    expect(await ask(bob, await newChat(bob), 'Quel budget dois-je finir ?')).not.toContain('budget 2027');

    await c.t.http().delete(`/api/agents/${agent.id}/memories/${memories[0].id}`).set(bob.auth).expect(404);
    await c.t.http().delete(`/api/agents/${agent.id}/memories/${memories[0].id}`).set(alice.auth).expect(204);
    expect((await c.t.http().get(`/api/agents/${agent.id}/memories`).set(alice.auth).expect(200)).body.items).toEqual([]);
    expect(await ask(alice, await newChat(alice), 'Quel budget dois-je finir ?')).not.toContain('budget 2027');
  });

  it('neither learns nor uses memories when the flag is off', async () => {
    const owner = await signUp(c.t);
    const agent = (await c.t.http().post('/api/agents').set(owner.auth).send({ name: 'Plain', learn_from_interaction: false }).expect(201)).body;
    const chat = (await c.t.http().post('/api/chats').set(owner.auth).send({ agent_id: agent.id, title: 'x' }).expect(201)).body;
    const before = c.sim.chatRequests().length;
    await c.t.http().post('/api/messages').set(owner.auth).send({ chat_id: chat.id, content: 'Je prépare le budget.', stream: false }).expect(201);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(c.sim.chatRequests().slice(before).filter((r) => systemText(r.body as ChatCompletionRequest).includes('long-term memory'))).toEqual([]);
    expect((await c.t.http().get(`/api/agents/${agent.id}/memories`).set(owner.auth).expect(200)).body.items).toEqual([]);
  });
});

describe('Embeddings: a change of model re-embeds instead of mixing spaces', () => {
  it('re-embeds every chunk with the new model at start-up', async () => {
    const sim = await LlmSimulator.start();
    const environment = await testEnvironment({ API_URL: sim.url, API_KEY: 'k', API_MODEL: 'sim-chat', EMBEDDING_MODEL: 'embed-v1' });
    const boot = async (env: Record<string, string | undefined>) => {
      const app = await startApp(env);
      const worker: INestApplicationContext | undefined = usesWorker(app.config) ? await createWorker(app.config) : undefined;
      return { app, stop: async () => { await worker?.close(); await app.stop(); } };
    };
    try {
      const first = await boot(environment.env);
      const user = await signUp({ ...first.app, close: async () => undefined });
      const agent = (await first.app.http().post('/api/agents').set(user.auth).send({ name: 'KB' }).expect(201)).body;
      await uploadText({ ...first.app, close: async () => undefined }, user, 'agent', agent.id, SECURITY, 'security.txt');
      const models = async (t: Omit<TestApp, 'close'>): Promise<(string | null)[]> =>
        (await t.app.get(DataSource).getRepository(DocumentChunk).find()).map((chunk) => chunk.embedding.model);
      expect(await waitFor(() => models(first.app), (list) => list.length > 0 && list.every((m) => m === 'embed-v1'))).not.toEqual([]);
      await first.stop();

      const second = await boot({ ...environment.env, EMBEDDING_MODEL: 'embed-v2' });
      try {
        await waitFor(() => models(second.app), (list) => list.length > 0 && list.every((m) => m === 'embed-v2'), 20_000);
        const embedded = sim.requests.filter((r) => r.path === '/v1/embeddings').map((r) => (r.body as { model: string }).model);
        expect(new Set(embedded)).toEqual(new Set(['embed-v1', 'embed-v2']));
      } finally {
        await second.stop();
      }
    } finally {
      await environment.dispose();
      await sim.close();
    }
  });
});
