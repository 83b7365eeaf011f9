import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { Chat, ConversationTreeRepository, Document, Message } from '#database';
import { signUp, SignedIn } from '../support/auth';
import { startTestApp, TestApp } from '../support/test-app';

describe('Chats: private CRUD, activity order, pagination', () => {
  let t: TestApp;
  let admin: SignedIn;
  let alice: SignedIn;
  let bob: SignedIn;
  let publicAgent: number;
  let alicePrivateAgent: number;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t);
    alice = await signUp(t);
    bob = await signUp(t);
    publicAgent = (await t.http().post('/api/agents').set(admin.auth).send({ name: 'Helpdesk', is_public: true, avatar_url: 'https://example.org/h.png' }).expect(201)).body.id;
    alicePrivateAgent = (await t.http().post('/api/agents').set(alice.auth).send({ name: 'Alice only' }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  const newChat = (user: SignedIn, body: object) => t.http().post('/api/chats').set(user.auth).send(body);

  it('creates a chat with a visible agent only, with a default title', async () => {
    const chat = await newChat(alice, { agent_id: publicAgent }).expect(201);
    expect(chat.body).toMatchObject({
      title: 'New chat',
      user_id: alice.id,
      agent_id: publicAgent,
      agent: { id: publicAgent, name: 'Helpdesk', avatar_url: 'https://example.org/h.png', deleted: false },
    });
    await newChat(alice, { agent_id: alicePrivateAgent, title: 'Mine' }).expect(201);
    await newChat(bob, { agent_id: alicePrivateAgent }).expect(404);
    await newChat(bob, { agent_id: 999999 }).expect(404);
    await newChat(bob, { agent_id: 'one' }).expect(422);
    await newChat(bob, { agent_id: publicAgent, user_id: alice.id }).expect(422);
    await newChat(bob, { agent_id: publicAgent, title: '' }).expect(422);
    await t.http().post('/api/chats').send({ agent_id: publicAgent }).expect(401);
  });

  it('keeps chats private: another user, even an admin, gets 404 for every verb', async () => {
    const chat = (await newChat(alice, { agent_id: publicAgent }).expect(201)).body;
    for (const intruder of [bob, admin]) {
      await t.http().get(`/api/chats/${chat.id}`).set(intruder.auth).expect(404);
      await t.http().put(`/api/chats/${chat.id}`).set(intruder.auth).send({ title: 'Mine now' }).expect(404);
      await t.http().delete(`/api/chats/${chat.id}`).set(intruder.auth).expect(404);
      const list = await t.http().get('/api/chats?limit=100').set(intruder.auth).expect(200);
      expect(list.body.items.map((c: { id: number }) => c.id)).not.toContain(chat.id);
    }
    await t.http().get(`/api/chats/${chat.id}`).expect(401);
    const renamed = await t.http().put(`/api/chats/${chat.id}`).set(alice.auth).send({ title: '  Budget 2027 ' }).expect(200);
    expect(renamed.body.title).toBe('Budget 2027');
    await t.http().put(`/api/chats/${chat.id}`).set(alice.auth).send({ title: 'x'.repeat(201) }).expect(422);
  });

  it('returns the chat with its latest messages oldest first, and pages back', async () => {
    const chat = (await newChat(alice, { agent_id: publicAgent }).expect(201)).body;
    // The chat shows its active path: the messages go in as one branch.
    const path = Array.from({ length: 7 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i + 1}`, status: 'complete' }) as const);
    await t.app.get(ConversationTreeRepository).appendPath(chat.id, path);
    const latest = await t.http().get(`/api/chats/${chat.id}?limit=3`).set(alice.auth).expect(200);
    expect(latest.body.messages.map((m: { content: string }) => m.content)).toEqual(['m5', 'm6', 'm7']);
    const older = await t.http().get(`/api/chats/${chat.id}?limit=3&before=${latest.body.messages_next_before}`).set(alice.auth).expect(200);
    expect(older.body.messages.map((m: { content: string }) => m.content)).toEqual(['m2', 'm3', 'm4']);
    const oldest = await t.http().get(`/api/chats/${chat.id}?limit=3&before=${older.body.messages_next_before}`).set(alice.auth).expect(200);
    expect(oldest.body.messages.map((m: { content: string }) => m.content)).toEqual(['m1']);
    expect(oldest.body.messages_next_before).toBeNull();
    await t.http().get(`/api/chats/${chat.id}?limit=0`).set(alice.auth).expect(422);
  });

  it('lists my chats by latest activity, searches titles, and pages through each exactly once', async () => {
    const carol = await signUp(t);
    const ids: number[] = [];
    for (let i = 0; i < 13; i++) {
      ids.push((await newChat(carol, { agent_id: publicAgent, title: i % 4 === 0 ? `Report ${i}` : `Chat ${i}` }).expect(201)).body.id);
    }
    // Same updated_at for several chats: the cursor must still break ties.
    await t.app.get(DataSource).getRepository(Chat).update(ids.slice(0, 6), { updated_at: new Date('2026-01-01T00:00:00Z') });
    // Activity on the oldest chat moves it to the top.
    await t.app.get(DataSource).getRepository(Chat).update(ids[0], { updated_at: new Date(Date.now() + 60_000) });

    const seen: number[] = [];
    let before: number | null = null;
    do {
      const url: string = `/api/chats?limit=4${before ? `&before=${before}` : ''}`;
      const page = await t.http().get(url).set(carol.auth).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.body.items.map((c: { id: number }) => c.id));
      before = page.body.next_before;
    } while (before);
    expect(seen).toHaveLength(13);
    expect(new Set(seen).size).toBe(13);
    expect(seen[0]).toBe(ids[0]);
    expect(seen.slice(1, 8)).toEqual(ids.slice(6).reverse());

    const search = await t.http().get('/api/chats?q=report').set(carol.auth).expect(200);
    expect(search.body.items.map((c: { title: string }) => c.title).sort()).toEqual(['Report 0', 'Report 12', 'Report 4', 'Report 8']);
    const wildcard = await t.http().get('/api/chats?q=%25').set(carol.auth).expect(200);
    expect(wildcard.body.items).toEqual([]);
    expect(search.body.items[0].agent).toMatchObject({ name: 'Helpdesk' });
    await t.http().get('/api/chats?limit=500').set(carol.auth).expect(422);
  });

  it('moves a chat to the top of the list when a message is added', async () => {
    const dave = await signUp(t);
    const first = (await newChat(dave, { agent_id: publicAgent, title: 'first' }).expect(201)).body;
    const second = (await newChat(dave, { agent_id: publicAgent, title: 'second' }).expect(201)).body;
    const order = async () => (await t.http().get('/api/chats').set(dave.auth).expect(200)).body.items.map((c: { id: number }) => c.id);
    expect(await order()).toEqual([second.id, first.id]);
    await t.app.get(DataSource).getRepository(Message).save({ chat_id: first.id, role: 'user', content: 'hello', status: 'complete' });
    expect(await order()).toEqual([first.id, second.id]);
  });

  it('keeps chats of a deleted agent readable, marking the agent deleted', async () => {
    const agent = (await t.http().post('/api/agents').set(bob.auth).send({ name: 'Short-lived' }).expect(201)).body;
    const chat = (await newChat(bob, { agent_id: agent.id }).expect(201)).body;
    await t.app.get(ConversationTreeRepository).appendPath(chat.id, [{ role: 'user', content: 'kept', status: 'complete' }]);
    await t.http().delete(`/api/agents/${agent.id}`).set(bob.auth).expect(204);
    const read = await t.http().get(`/api/chats/${chat.id}`).set(bob.auth).expect(200);
    expect(read.body.agent).toMatchObject({ id: agent.id, name: 'Short-lived', deleted: true });
    expect(read.body.messages.map((m: { content: string }) => m.content)).toEqual(['kept']);
    const list = await t.http().get('/api/chats').set(bob.auth).expect(200);
    expect(list.body.items.find((c: { id: number }) => c.id === chat.id).agent.deleted).toBe(true);
    await newChat(bob, { agent_id: agent.id }).expect(404);
  });

  it('deletes a chat with its messages and documents, files included', async () => {
    const chat = (await newChat(alice, { agent_id: publicAgent }).expect(201)).body;
    const dataSource = t.app.get(DataSource);
    await dataSource.getRepository(Message).save({ chat_id: chat.id, role: 'user', content: 'bye', status: 'complete' });
    fs.mkdirSync(t.config.uploadDir, { recursive: true });
    fs.writeFileSync(path.join(t.config.uploadDir, 'stored-name.txt'), 'attached');
    await dataSource.getRepository(Document).save({
      filename: 'notes.txt', file_path: 'stored-name.txt', file_size: 8, mime_type: 'text/plain',
      entity_type: 'chat', entity_id: chat.id, uploader_id: alice.id,
    });
    await t.http().delete(`/api/chats/${chat.id}`).set(alice.auth).expect(204);
    await t.http().get(`/api/chats/${chat.id}`).set(alice.auth).expect(404);
    expect(await dataSource.getRepository(Message).countBy({ chat_id: chat.id })).toBe(0);
    expect(await dataSource.getRepository(Document).countBy({ entity_type: 'chat', entity_id: chat.id })).toBe(0);
    expect(fs.existsSync(path.join(t.config.uploadDir, 'stored-name.txt'))).toBe(false);
  });
});
