import type { Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { Memory, Message } from '#database';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, startChatApp, waitFor } from '../support/chat-app';
import type { ChatCompletionRequest } from '../support/llm-simulator/llm-simulator';
import { connectSocket, request } from '../support/socket-client';

const PROMPT = 'You are the vault keeper GRIFFIN.';
const BEFORE = 'Le code du coffre est OCELOT sept.';
const AFTER = 'Le nouveau code du coffre est PANGOLIN neuf.';
const CHAT_NOTE = 'Ma note personnelle sur le coffre: ZEBRA.';

/** Issue 13 item 7: an agent made private stops serving other users' existing chats, on every path. */
describe('Agent visibility on every use', () => {
  let c: ChatApp;
  let admin: SignedIn;
  let owner: SignedIn;
  let user: SignedIn;
  let agentId: number;
  const chats = { admin: 0, owner: 0, user: 0 };
  const sockets: Socket[] = [];

  const http = () => c.t.http();
  const messages = () => c.t.app.get(DataSource).getRepository(Message);
  const lastPrompt = () => JSON.stringify(c.sim.chatRequests().at(-1)?.body ?? null);
  const send = (who: SignedIn, chatId: number, content: string, status: number) =>
    http().post('/api/messages').set(who.auth).send({ chat_id: chatId, content, stream: false }).expect(status);
  const search = async (who: SignedIn, chatId: number, q: string) =>
    JSON.stringify((await http().get(`/api/chats/${chatId}/search`).query({ q }).set(who.auth).expect(200)).body.results);
  const setPublic = (isPublic: boolean) => http().put(`/api/agents/${agentId}`).set(owner.auth).send({ is_public: isPublic }).expect(200);

  async function upload(who: SignedIn, entity: 'agent' | 'chat', id: number, text: string): Promise<void> {
    const uploaded = await http().post('/api/documents/upload').set(who.auth)
      .field('entity_type', entity).field('entity_id', String(id)).attach('file', Buffer.from(text), `${entity}-${id}.txt`).expect(201);
    const listed = async () =>
      (await http().get('/api/documents').query({ entity_type: entity, entity_id: id }).set(who.auth).expect(200)).body.items as { id: number; status: string }[];
    const document = await waitFor(async () => (await listed()).find((d) => d.id === uploaded.body.id), (d) => d?.status === 'ready' || d?.status === 'failed', 30_000);
    expect(document).toMatchObject({ status: 'ready' });
  }

  beforeAll(async () => {
    c = await startChatApp({ EMBEDDING_PROVIDER: 'none', MAX_CONCURRENT_GENERATIONS: '20' });
    admin = await signUp(c.t); // the first user is the admin
    owner = await signUp(c.t);
    user = await signUp(c.t);
    agentId = (await http().post('/api/agents').set(owner.auth).send({ name: 'Vault', is_public: true, system_prompt: PROMPT }).expect(201)).body.id;
    await upload(owner, 'agent', agentId, BEFORE);
    for (const [who, key] of [[admin, 'admin'], [owner, 'owner'], [user, 'user']] as const) {
      chats[key] = (await http().post('/api/chats').set(who.auth).send({ agent_id: agentId, title: key }).expect(201)).body.id;
    }
    await upload(user, 'chat', chats.user, CHAT_NOTE);
  });
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));
  afterAll(() => c.close());

  it('serves its prompt and documents to a user of the public agent (the leak the next test closes)', async () => {
    await send(user, chats.user, 'Quel est le code du coffre OCELOT ?', 201);
    expect(lastPrompt()).toContain('GRIFFIN');
    expect(lastPrompt()).toContain('OCELOT');
    expect(await search(user, chats.user, 'code du coffre OCELOT')).toContain('OCELOT');
  });

  it('once private, refuses every send with 404, stores nothing, and retrieves none of its documents for that user', async () => {
    await setPublic(false);
    await upload(owner, 'agent', agentId, AFTER);
    const stored = await messages().countBy({ chat_id: chats.user });
    const answer = (await messages().findOneByOrFail({ chat_id: chats.user, role: 'assistant' })).id;
    const modelCalls = c.sim.chatRequests().length;

    const refused = await send(user, chats.user, 'Et le nouveau code PANGOLIN ?', 404);
    expect(refused.body.detail).toMatch(/Agent not found/);
    await http().post(`/api/messages/${answer}/regenerate`).set(user.auth).expect(404);
    const { socket } = await connectSocket(c.t.url, { auth: { token: user.token } });
    sockets.push(socket);
    const ack = await request(socket, 'send_message', { chat_id: chats.user, content: 'Et via socket ?' });
    expect(ack).toEqual({ ok: false, detail: expect.stringMatching(/Agent not found/) });

    expect(await messages().countBy({ chat_id: chats.user })).toBe(stored);
    expect(c.sim.chatRequests()).toHaveLength(modelCalls);
    const found = await search(user, chats.user, 'code du coffre OCELOT PANGOLIN ZEBRA');
    expect(found).not.toMatch(/OCELOT|PANGOLIN/);
    expect(found).toContain('ZEBRA'); // the chat's own documents stay searchable
    await http().get(`/api/agents/${agentId}`).set(user.auth).expect(404);
    await http().get(`/api/agents/${agentId}/search`).query({ q: 'coffre' }).set(user.auth).expect(404);
  });

  it('keeps the history readable: the chat, its messages, and my memories of that agent', async () => {
    const chat = await http().get(`/api/chats/${chats.user}`).set(user.auth).expect(200);
    expect(chat.body.messages.map((m: { content: string }) => m.content)).toContain('Quel est le code du coffre OCELOT ?');
    const page = await http().get(`/api/messages/chat/${chats.user}`).set(user.auth).expect(200);
    expect(page.body.items.length).toBeGreaterThanOrEqual(2);

    const memories = c.t.app.get(DataSource).getRepository(Memory);
    const memory = await memories.save({ user_id: user.id, agent_id: agentId, content: 'Garde les codes.' });
    const listed = await http().get(`/api/agents/${agentId}/memories`).set(user.auth).expect(200);
    expect(listed.body.items.map((m: { id: number }) => m.id)).toEqual([memory.id]);
    await http().delete(`/api/agents/${agentId}/memories/${memory.id}`).set(user.auth).expect(204);
    // With no memories left the agent is as invisible as any private one.
    await http().get(`/api/agents/${agentId}/memories`).set(user.auth).expect(404);
  });

  it('keeps serving its owner and admins, with the documents added after the switch', async () => {
    await send(owner, chats.owner, 'Quel est le nouveau code PANGOLIN ?', 201);
    expect(lastPrompt()).toContain('GRIFFIN');
    expect(lastPrompt()).toContain('PANGOLIN');
    await send(admin, chats.admin, 'Quel est le nouveau code PANGOLIN ?', 201);
    expect(lastPrompt()).toContain('PANGOLIN');
    expect(await search(admin, chats.admin, 'nouveau code PANGOLIN')).toContain('PANGOLIN');
  });

  it('serves the user again once public again', async () => {
    await setPublic(true);
    await send(user, chats.user, 'Quel est le nouveau code PANGOLIN ?', 201);
    expect(lastPrompt()).toContain('PANGOLIN');
    expect(await search(user, chats.user, 'nouveau code PANGOLIN')).toContain('PANGOLIN');
  });

  it('learns nothing from an answer that ends after the agent turned private', async () => {
    const isExtraction = (body: unknown) => JSON.stringify(body).includes('long-term memory');
    // The user's answer streams for ~3 s, long enough for the switch to land before it ends.
    const slowAnswer = Array.from({ length: 30 }, (_, i) => `mot${i}`).join(' ');
    c.sim.reply = (req: ChatCompletionRequest) => (isExtraction(req) ? '["Aime les coffres."]' : slowAnswer);
    c.sim.interTokenMs = 100;
    try {
      const learner = (await http().post('/api/agents').set(owner.auth).send({ name: 'Learner', is_public: true, learn_from_interaction: true }).expect(201)).body.id;
      const [userChat, ownerChat] = await Promise.all(
        [user, owner].map(async (who) => (await http().post('/api/chats').set(who.auth).send({ agent_id: learner, title: 'L' }).expect(201)).body.id),
      );
      const sent = await http().post('/api/messages').set(user.auth).send({ chat_id: userChat, content: 'question USERQ' }).expect(201);
      await http().put(`/api/agents/${learner}`).set(owner.auth).send({ is_public: false }).expect(200);
      await waitFor(() => messages().findOneByOrFail({ id: sent.body.assistant_message.id }), (m) => m.status === 'complete');
      // The owner's exchange ends later; once its memory exists, the user's job (queued first) has run.
      await send(owner, ownerChat, 'question OWNERQ', 201);
      const memories = c.t.app.get(DataSource).getRepository(Memory);
      await waitFor(() => memories.countBy({ agent_id: learner, user_id: owner.id }), (n) => n > 0, 20_000);
      expect(await memories.countBy({ agent_id: learner, user_id: user.id })).toBe(0);
      expect(c.sim.chatRequests().filter((r) => isExtraction(r.body) && JSON.stringify(r.body).includes('USERQ'))).toEqual([]);
    } finally {
      c.sim.reset();
    }
  });
});
