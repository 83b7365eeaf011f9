import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { Chat, ConversationTreeRepository, Document, Message } from '#database';
import { ModelCatalog } from '#llm';
import { signUp, SignedIn } from '../support/auth';
import { startTestApp, TestApp } from '../support/test-app';

type ChatBody = { id: number; title: string; pinned: boolean; archived_at: string | null; tags: string[] };

describe('Organising chats: pin, archive, tags, bulk actions, and the model options per chat', () => {
  let t: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  let agent: number;

  beforeAll(async () => {
    t = await startTestApp();
    alice = await signUp(t);
    bob = await signUp(t);
    agent = (await t.http().post('/api/agents').set(alice.auth).send({ name: 'Helper', is_public: true, temperature: 0.4 }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  const newChat = async (user: SignedIn, body: object = {}): Promise<ChatBody> =>
    (await t.http().post('/api/chats').set(user.auth).send({ agent_id: agent, ...body }).expect(201)).body;
  const patch = (user: SignedIn, id: number, body: object) => t.http().patch(`/api/chats/${id}`).set(user.auth).send(body);
  const listIds = async (user: SignedIn, query = ''): Promise<number[]> =>
    (await t.http().get(`/api/chats?limit=100${query}`).set(user.auth).expect(200)).body.items.map((c: ChatBody) => c.id);

  it('pins and unpins a chat, without moving it in the activity order', async () => {
    const carol = await signUp(t);
    const older = await newChat(carol, { title: 'older' });
    const newer = await newChat(carol, { title: 'newer' });
    const pinned = await patch(carol, older.id, { pinned: true }).expect(200);
    expect(pinned.body).toMatchObject({ id: older.id, title: 'older', pinned: true, archived_at: null, tags: [] });
    expect(await listIds(carol)).toEqual([newer.id, older.id]);
    expect(await listIds(carol, '&pinned=true')).toEqual([older.id]);
    expect(await listIds(carol, '&pinned=false')).toEqual([newer.id]);
    await patch(carol, older.id, { pinned: false }).expect(200);
    expect(await listIds(carol, '&pinned=true')).toEqual([]);
    await t.http().get('/api/chats?pinned=yes').set(carol.auth).expect(422);
    await patch(carol, older.id, { pinned: 'yes' }).expect(422);
    await patch(carol, older.id, { pinned: null }).expect(422);
  });

  it('archives a chat: hidden from the default list, listed when asked, still readable, and restorable', async () => {
    const dave = await signUp(t);
    const kept = await newChat(dave);
    const archived = await newChat(dave, { title: 'Old project' });
    await t.app.get(ConversationTreeRepository).appendPath(archived.id, [{ role: 'user', content: 'still here', status: 'complete' }]);
    const response = await patch(dave, archived.id, { archived: true }).expect(200);
    const archivedAt = response.body.archived_at;
    expect(archivedAt).not.toBeNull();
    expect(await listIds(dave)).toEqual([kept.id]);
    expect(await listIds(dave, '&archived=false')).toEqual([kept.id]);
    expect(await listIds(dave, '&archived=true')).toEqual([archived.id]);
    expect((await listIds(dave, '&archived=all')).sort()).toEqual([kept.id, archived.id].sort());
    await t.http().get('/api/chats?archived=maybe').set(dave.auth).expect(422);
    const read = await t.http().get(`/api/chats/${archived.id}`).set(dave.auth).expect(200);
    expect(read.body.archived_at).toBe(archivedAt);
    expect(read.body.messages.map((m: { content: string }) => m.content)).toEqual(['still here']);
    // Archiving again keeps the first archiving time.
    expect((await patch(dave, archived.id, { archived: true }).expect(200)).body.archived_at).toBe(archivedAt);
    expect((await patch(dave, archived.id, { archived: false }).expect(200)).body.archived_at).toBeNull();
    expect((await listIds(dave)).sort()).toEqual([kept.id, archived.id].sort());
  });

  it('sets tags (trimmed, deduplicated case-insensitively), filters by tag and lists them with counts', async () => {
    const erin = await signUp(t);
    const a = await newChat(erin, { title: 'a' });
    const b = await newChat(erin, { title: 'b' });
    const c = await newChat(erin, { title: 'c' });
    const tagged = await patch(erin, a.id, { tags: [' Work ', 'work', 'Taxes', 'WORK'] }).expect(200);
    expect(tagged.body.tags).toEqual(['Work', 'Taxes']);
    await patch(erin, b.id, { tags: ['work'] }).expect(200);
    await patch(erin, c.id, { tags: ['Taxes'], archived: true }).expect(200);

    expect((await listIds(erin, '&tag=work')).sort()).toEqual([a.id, b.id].sort());
    expect(await listIds(erin, '&tag=TAXES')).toEqual([a.id]);
    expect((await listIds(erin, '&tag=taxes&archived=all')).sort()).toEqual([a.id, c.id].sort());
    expect(await listIds(erin, '&tag=none')).toEqual([]);

    const tags = await t.http().get('/api/chats/tags').set(erin.auth).expect(200);
    expect(tags.body.items).toEqual([
      { tag: 'Taxes', count: 1, archived_count: 1 },
      { tag: expect.stringMatching(/^work$/i), count: 2, archived_count: 0 },
    ]);
    expect((await t.http().get('/api/chats/tags').set(bob.auth).expect(200)).body.items).toEqual([]);

    for (const tags of [['x'.repeat(51)], [''], ['   '], Array.from({ length: 21 }, (_, i) => `t${i}`), 'work', [1], null]) {
      const bad = await patch(erin, a.id, { tags }).expect(422);
      expect(bad.body.detail[0].loc).toEqual(['body', 'tags']);
    }
    // Twenty distinct once deduplicated is within the limit.
    const many = [...Array.from({ length: 20 }, (_, i) => `t${i}`), 'T0'];
    expect((await patch(erin, a.id, { tags: many }).expect(200)).body.tags).toHaveLength(20);
    expect((await patch(erin, a.id, { tags: [] }).expect(200)).body.tags).toEqual([]);
  });

  it('renames with PATCH and still with PUT, changing only what is sent', async () => {
    const chat = await newChat(alice);
    await patch(alice, chat.id, { pinned: true, tags: ['keep'] }).expect(200);
    expect((await patch(alice, chat.id, { title: '  Budget 2027 ' }).expect(200)).body).toMatchObject({ title: 'Budget 2027', pinned: true, tags: ['keep'] });
    expect((await t.http().put(`/api/chats/${chat.id}`).set(alice.auth).send({ title: 'Budget 2028' }).expect(200)).body).toMatchObject({
      title: 'Budget 2028',
      pinned: true,
    });
    await patch(alice, chat.id, { title: '' }).expect(422);
    await patch(alice, chat.id, { title: 'x'.repeat(201) }).expect(422);
    await patch(alice, chat.id, { owner: bob.id }).expect(422);
    expect((await patch(alice, chat.id, {}).expect(200)).body.title).toBe('Budget 2028');
  });

  it('overrides the model options per chat among the served models; null goes back to the agent', async () => {
    const chat = await newChat(alice);
    const agentModel = (await t.http().get(`/api/agents/${agent}`).set(alice.auth).expect(200)).body.model;
    const cap = t.config.llm.maxOutputTokens;
    expect(chat).toMatchObject({
      model: null,
      temperature: null,
      max_output_tokens: null,
      effective_model: agentModel,
      effective_temperature: 0.4,
      effective_max_output_tokens: cap,
      active_leaf_id: null,
    });

    const other = 'pixtral-large-latest';
    expect(t.app.get(ModelCatalog).chatModels()).toEqual([agentModel, other]);
    const changed = await patch(alice, chat.id, { model: other, temperature: 1.3, max_output_tokens: 100 }).expect(200);
    expect(changed.body).toMatchObject({
      model: other,
      temperature: 1.3,
      max_output_tokens: 100,
      effective_model: other,
      effective_temperature: 1.3,
      effective_max_output_tokens: 100,
    });
    const read = await t.http().get(`/api/chats/${chat.id}`).set(alice.auth).expect(200);
    expect(read.body).toMatchObject({ model: other, effective_model: other, temperature: 1.3 });
    const listed = (await t.http().get('/api/chats?limit=100').set(alice.auth).expect(200)).body.items.find((c: ChatBody) => c.id === chat.id);
    expect(listed).toMatchObject({ model: other, effective_temperature: 1.3, effective_max_output_tokens: 100 });

    const badModel = await patch(alice, chat.id, { model: 'gpt-4o' }).expect(422);
    expect(badModel.body.detail).toEqual([{ loc: ['body', 'model'], msg: 'model must be one of: mistral-small-latest, pixtral-large-latest' }]);
    for (const [body, field] of [
      [{ temperature: 2.5 }, 'temperature'],
      [{ temperature: -0.1 }, 'temperature'],
      [{ temperature: 'hot' }, 'temperature'],
      [{ max_output_tokens: 0 }, 'max_output_tokens'],
      [{ max_output_tokens: 1.5 }, 'max_output_tokens'],
      [{ max_output_tokens: cap + 1 }, 'max_output_tokens'],
      [{ model: 42 }, 'model'],
    ] as const) {
      const bad = await patch(alice, chat.id, body).expect(422);
      expect(bad.body.detail[0].loc).toEqual(['body', field]);
    }
    // Nothing of a refused change was applied.
    expect((await t.http().get(`/api/chats/${chat.id}`).set(alice.auth).expect(200)).body.model).toBe(other);

    const reset = await patch(alice, chat.id, { model: null, temperature: null, max_output_tokens: null }).expect(200);
    expect(reset.body).toMatchObject({
      model: null,
      temperature: null,
      max_output_tokens: null,
      effective_model: agentModel,
      effective_temperature: 0.4,
      effective_max_output_tokens: cap,
    });

    const created = await newChat(alice, { model: other, temperature: 0, max_output_tokens: cap });
    expect(created).toMatchObject({ model: other, temperature: 0, max_output_tokens: cap, effective_model: other, effective_temperature: 0 });
    await t.http().post('/api/chats').set(alice.auth).send({ agent_id: agent, model: 'gpt-4o' }).expect(422);
    await t.http().post('/api/chats').set(alice.auth).send({ agent_id: agent, max_output_tokens: cap + 1 }).expect(422);
  });

  it("answers 404 for another user's chat, changing nothing", async () => {
    const chat = await newChat(alice, { title: 'Private' });
    await patch(bob, chat.id, { title: 'Mine now', pinned: true }).expect(404);
    await patch(bob, chat.id, { model: 'gpt-4o' }).expect(404);
    await patch(bob, 999_999_999, { pinned: true }).expect(404);
    await t.http().patch(`/api/chats/${chat.id}`).send({ pinned: true }).expect(401);
    const read = await t.http().get(`/api/chats/${chat.id}`).set(alice.auth).expect(200);
    expect(read.body).toMatchObject({ title: 'Private', pinned: false });
  });

  it("applies bulk actions to my chats only, reporting the others as not found", async () => {
    const frank = await signUp(t);
    const mine = [await newChat(frank), await newChat(frank), await newChat(frank)];
    const theirs = await newChat(bob, { title: 'Bob keeps this' });
    const ids = [...mine.map((c) => c.id), theirs.id, 999_999_999];

    const archived = await t.http().post('/api/chats/bulk').set(frank.auth).send({ action: 'archive', chat_ids: [...ids, mine[0].id] }).expect(200);
    expect(archived.body).toEqual({ affected: 3, not_found: [theirs.id, 999_999_999] });
    expect(await listIds(frank)).toEqual([]);
    expect(await listIds(frank, '&archived=true')).toHaveLength(3);
    expect((await t.http().get(`/api/chats/${theirs.id}`).set(bob.auth).expect(200)).body.archived_at).toBeNull();

    await t.http().post('/api/chats/bulk').set(frank.auth).send({ action: 'unarchive', chat_ids: [mine[0].id] }).expect(200);
    await t.http().post('/api/chats/bulk').set(frank.auth).send({ action: 'pin', chat_ids: [mine[0].id, mine[1].id] }).expect(200);
    expect(await listIds(frank, '&pinned=true&archived=all')).toEqual([mine[1].id, mine[0].id]);
    const unpinned = await t.http().post('/api/chats/bulk').set(frank.auth).send({ action: 'unpin', chat_ids: [mine[1].id, theirs.id] }).expect(200);
    expect(unpinned.body).toEqual({ affected: 1, not_found: [theirs.id] });

    const dataSource = t.app.get(DataSource);
    await t.app.get(ConversationTreeRepository).appendPath(mine[0].id, [{ role: 'user', content: 'bye', status: 'complete' }]);
    fs.mkdirSync(t.config.uploadDir, { recursive: true });
    fs.writeFileSync(path.join(t.config.uploadDir, 'bulk-stored.txt'), 'attached');
    await dataSource.getRepository(Document).save({
      filename: 'notes.txt', file_path: 'bulk-stored.txt', file_size: 8, mime_type: 'text/plain',
      entity_type: 'chat', entity_id: mine[0].id, uploader_id: frank.id,
    });
    const deleted = await t.http().post('/api/chats/bulk').set(frank.auth).send({ action: 'delete', chat_ids: ids }).expect(200);
    expect(deleted.body).toEqual({ affected: 3, not_found: [theirs.id, 999_999_999] });
    expect(await listIds(frank, '&archived=all')).toEqual([]);
    expect(await dataSource.getRepository(Message).countBy({ chat_id: mine[0].id })).toBe(0);
    expect(await dataSource.getRepository(Document).countBy({ entity_type: 'chat', entity_id: mine[0].id })).toBe(0);
    expect(fs.existsSync(path.join(t.config.uploadDir, 'bulk-stored.txt'))).toBe(false);
    expect((await t.http().get(`/api/chats/${theirs.id}`).set(bob.auth).expect(200)).body.title).toBe('Bob keeps this');
    // Deleted ones are now simply not found.
    expect((await t.http().post('/api/chats/bulk').set(frank.auth).send({ action: 'pin', chat_ids: [mine[2].id] }).expect(200)).body).toEqual({
      affected: 0,
      not_found: [mine[2].id],
    });

    for (const body of [
      { action: 'explode', chat_ids: [1] },
      { action: 'archive', chat_ids: [] },
      { action: 'archive', chat_ids: Array.from({ length: 201 }, (_, i) => i + 1) },
      { action: 'archive', chat_ids: ['one'] },
      { action: 'archive', chat_ids: [0] },
      { action: 'archive' },
    ]) {
      await t.http().post('/api/chats/bulk').set(frank.auth).send(body).expect(422);
    }
    await t.http().post('/api/chats/bulk').send({ action: 'archive', chat_ids: [1] }).expect(401);
  });

  it('pages through filtered lists covering each chat exactly once', async () => {
    const gina = await signUp(t);
    const otherAgent = (await t.http().post('/api/agents').set(gina.auth).send({ name: 'Other' }).expect(201)).body.id;
    const chats: ChatBody[] = [];
    for (let i = 0; i < 14; i++) chats.push(await newChat(gina, { title: i % 3 === 0 ? `Report ${i}` : `Chat ${i}`, ...(i % 4 === 0 ? { agent_id: otherAgent } : {}) }));
    const repository = t.app.get(DataSource).getRepository(Chat);
    // Ties on updated_at: the cursor must break them by id.
    await repository.update(chats.slice(0, 7).map((c) => c.id), { updated_at: new Date('2026-01-01T00:00:00Z') });
    for (const [i, chat] of chats.entries()) {
      await patch(gina, chat.id, { tags: i % 2 ? ['odd'] : ['even'], pinned: i % 5 === 0, archived: i % 7 === 3 });
    }

    const walk = async (query: string): Promise<number[]> => {
      const seen: number[] = [];
      let before: number | null = null;
      do {
        const url: string = `/api/chats?limit=2${query}${before ? `&before=${before}` : ''}`;
        const page: { items: ChatBody[]; next_before: number | null } = (await t.http().get(url).set(gina.auth).expect(200)).body;
        seen.push(...page.items.map((c) => c.id));
        before = page.next_before;
      } while (before);
      return seen;
    };
    const expectWalk = async (query: string, keep: (i: number) => boolean) => {
      const seen = await walk(query);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.sort((x, y) => x - y)).toEqual(chats.filter((_, i) => keep(i)).map((c) => c.id).sort((x, y) => x - y));
    };
    const archived = (i: number) => i % 7 === 3;
    await expectWalk('', (i) => !archived(i));
    await expectWalk('&archived=all', () => true);
    await expectWalk('&archived=true', archived);
    await expectWalk('&tag=odd', (i) => i % 2 === 1 && !archived(i));
    await expectWalk('&tag=even&archived=all', (i) => i % 2 === 0);
    await expectWalk('&pinned=true&archived=all', (i) => i % 5 === 0);
    await expectWalk(`&agent_id=${otherAgent}`, (i) => i % 4 === 0 && !archived(i));
    await expectWalk('&q=report&archived=all', (i) => i % 3 === 0);
    await expectWalk('&q=report&tag=even&pinned=false', (i) => i % 3 === 0 && i % 2 === 0 && i % 5 !== 0 && !archived(i));
  });
});
