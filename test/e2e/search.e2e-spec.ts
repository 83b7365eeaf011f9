import { DataSource } from 'typeorm';
import { MessageIndexJob } from '#chats';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, startChatApp } from '../support/chat-app';

type Hit = { type: 'chat' | 'message'; chat_id: number; chat_title: string; message_id: number | null; role: string | null; created_at: string; snippet: string; rank: number };
type Page = { items: Hit[]; next_before: string | null };

describe('Search of my chats: titles and messages, accents ignored, mine only, filtered, paged', () => {
  let c: ChatApp;
  let alice: SignedIn;
  let bob: SignedIn;
  let agentId: number;
  let otherAgentId: number;
  const aliceChats: number[] = [];
  let titleChat: number;
  let otherAgentChat: number;
  let bobChat: number;

  const http = () => c.t.http();
  const search = (user: SignedIn, query: Record<string, string | number>) =>
    http().get('/api/search').query(query).set(user.auth).expect(200).then((r) => r.body as Page);
  const agent = async (user: SignedIn, name: string) => (await http().post('/api/agents').set(user.auth).send({ name }).expect(201)).body.id as number;
  const chat = async (user: SignedIn, agent: number, title: string) =>
    (await http().post('/api/chats').set(user.auth).send({ agent_id: agent, title }).expect(201)).body.id as number;
  const send = (user: SignedIn, chatId: number, content: string) =>
    http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content, stream: false }).expect(201);
  // Indexes whatever was written without its full text (as the job does every minute).
  const indexMissing = () => c.t.app.get(MessageIndexJob).handle();
  const messageHits = (page: Page) => page.items.filter((hit) => hit.type === 'message');

  beforeAll(async () => {
    c = await startChatApp();
    alice = await signUp(c.t);
    bob = await signUp(c.t);
    agentId = await agent(alice, 'Helpdesk');
    otherAgentId = await agent(alice, 'Juriste');
    for (const [i, question] of ['Où en est la sécurité du bâtiment ?', 'La SÉCURITÉ des badges, encore.', 'Security and sécurité: same thing?'].entries()) {
      const id = await chat(alice, agentId, `Discussion ${i + 1}`);
      aliceChats.push(id);
      await send(alice, id, question);
      await send(alice, id, 'Et le budget du projet ?');
    }
    titleChat = await chat(alice, agentId, 'Audit de Sécurité 2027');
    await send(alice, titleChat, 'Rien à voir ici.');
    otherAgentChat = await chat(alice, otherAgentId, 'Contrats');
    await send(alice, otherAgentChat, 'Clause de sécurité du contrat');
    const bobAgent = await agent(bob, 'Bob agent');
    bobChat = await chat(bob, bobAgent, 'Sécurité de Bob');
    await send(bob, bobChat, 'Ma sécurité à moi, la sécurité de Bob');
    await indexMissing();
  });
  afterAll(() => c.close());

  it('finds "securite" in questions and answers written "sécurité" across my chats, and titles, with highlighted snippets', async () => {
    const page = await search(alice, { q: 'securite', limit: 50 });
    const messages = messageHits(page);
    const inFirstThree = messages.filter((hit) => aliceChats.includes(hit.chat_id));
    expect(new Set(inFirstThree.map((hit) => hit.chat_id))).toEqual(new Set(aliceChats));
    // The question and its echoed answer in each of the three chats.
    expect(inFirstThree.filter((hit) => hit.role === 'user')).toHaveLength(3);
    expect(inFirstThree.filter((hit) => hit.role === 'assistant')).toHaveLength(3);
    expect(messages.some((hit) => hit.chat_id === otherAgentChat)).toBe(true);
    for (const hit of messages) {
      expect(hit.snippet).toMatch(/<mark>(sécurité|SÉCURITÉ)<\/mark>/);
      expect(hit).toMatchObject({ message_id: expect.any(Number), chat_title: expect.any(String), created_at: expect.any(String), rank: expect.any(Number) });
    }
    // The title matches (its messages do not): listed first, as a chat.
    expect(page.items[0]).toMatchObject({ type: 'chat', chat_id: titleChat, message_id: null, role: null, chat_title: 'Audit de Sécurité 2027' });
    expect(page.items[0].snippet).toBe('Audit de <mark>Sécurité</mark> 2027');
    expect(messages.some((hit) => hit.chat_id === titleChat)).toBe(false);
    expect(page.next_before).toBeNull();
  });

  it('never returns another user\'s chat or message, though theirs hold the word too', async () => {
    const mine = await search(alice, { q: 'sécurité', limit: 50 });
    expect(mine.items.some((hit) => hit.chat_id === bobChat)).toBe(false);
    const theirs = await search(bob, { q: 'securite', limit: 50 });
    expect(theirs.items.length).toBeGreaterThan(0);
    expect(theirs.items.every((hit) => hit.chat_id === bobChat)).toBe(true);
  });

  it('requires every word, and finds nothing for words it does not search (too short, common)', async () => {
    const both = messageHits(await search(alice, { q: 'sécurité badges', limit: 50 }));
    expect(both.map((hit) => hit.chat_id)).toEqual([aliceChats[1], aliceChats[1]]);
    expect((await search(alice, { q: 'le la de' })).items).toEqual([]);
  });

  it('filters by agent, date and archived state', async () => {
    const byAgent = await search(alice, { q: 'securite', agent_id: otherAgentId, limit: 50 });
    expect(new Set(byAgent.items.map((hit) => hit.chat_id))).toEqual(new Set([otherAgentChat]));

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expect((await search(alice, { q: 'securite', from: future })).items).toEqual([]);
    expect((await search(alice, { q: 'securite', to: past })).items).toEqual([]);
    expect(messageHits(await search(alice, { q: 'securite', from: past, to: future, limit: 50 })).length).toBe(8);

    await c.t.app.get(DataSource).query('UPDATE chats SET archived_at = now() WHERE id = $1', [aliceChats[0]]);
    try {
      const all = await search(alice, { q: 'securite', limit: 50 });
      expect(all.items.some((hit) => hit.chat_id === aliceChats[0])).toBe(true);
      const active = await search(alice, { q: 'securite', archived: 'false', limit: 50 });
      expect(active.items.some((hit) => hit.chat_id === aliceChats[0])).toBe(false);
      expect(active.items.length).toBe(all.items.length - 2);
      const archived = await search(alice, { q: 'securite', archived: 'true', limit: 50 });
      expect(new Set(archived.items.map((hit) => hit.chat_id))).toEqual(new Set([aliceChats[0]]));
    } finally {
      await c.t.app.get(DataSource).query('UPDATE chats SET archived_at = NULL WHERE id = $1', [aliceChats[0]]);
    }
  });

  it('pages through every result exactly once, in the order of one big page', async () => {
    const whole = await search(alice, { q: 'securite', limit: 50 });
    const seen: Hit[] = [];
    let before: string | null = null;
    do {
      const page: Page = await search(alice, { q: 'securite', limit: 2, ...(before ? { before } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      before = page.next_before;
    } while (before);
    const key = (hit: Hit) => `${hit.type}:${hit.message_id ?? hit.chat_id}`;
    expect(seen.map(key)).toEqual(whole.items.map(key));
    expect(new Set(seen.map(key)).size).toBe(seen.length);
  });

  it('pages across ranking windows (titles by 50, messages by 500), each match once', async () => {
    const dataSource = c.t.app.get(DataSource);
    const [{ id: chatId }] = await dataSource.query(
      `INSERT INTO chats (title, user_id, agent_id) VALUES ('Zoo', $1, $2) RETURNING id`, [alice.id, agentId]);
    // Indexed as the app writes it: tsv of the unaccented text (here already without accents).
    await dataSource.query(
      `INSERT INTO messages (chat_id, role, content, status, tsv)
       SELECT $1, CASE WHEN g % 2 = 0 THEN 'user' ELSE 'assistant' END, t, 'complete', to_tsvector('french', t) || to_tsvector('english', t)
       FROM generate_series(1, 1200) g, LATERAL (SELECT repeat('kangourou ', 1 + g % 4) || 'numero ' || g AS t) x`,
      [chatId],
    );
    await dataSource.query(
      `INSERT INTO chats (title, user_id, agent_id) SELECT 'Kangourou ' || g, $1, $2 FROM generate_series(1, 120) g`, [alice.id, agentId]);
    const seen = new Map<string, number>();
    let before: string | null = null;
    let pages = 0;
    do {
      const page: Page = await search(alice, { q: 'Kangourou', limit: 50, ...(before ? { before } : {}) });
      for (const hit of page.items) {
        const key = `${hit.type}:${hit.message_id ?? hit.chat_id}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      before = page.next_before;
      pages++;
    } while (before && pages < 100);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect([...seen.keys()].filter((key) => key.startsWith('chat:'))).toHaveLength(120);
    expect([...seen.keys()].filter((key) => key.startsWith('message:'))).toHaveLength(1200);
  });

  it('rejects a forged cursor and bad filters with 422 naming the field', async () => {
    const bad = async (query: Record<string, string>, field: string) => {
      const response = await http().get('/api/search').query({ q: 'securite', ...query }).set(alice.auth).expect(422);
      expect(JSON.stringify(response.body.detail)).toContain(field);
    };
    await bad({ before: Buffer.from('{"s":"m","w":"x","n":4000}').toString('base64url') }, 'before');
    await bad({ before: 'not a cursor!' }, 'before');
    await bad({ archived: 'maybe' }, 'archived');
    await bad({ from: 'yesterday' }, 'from');
    await bad({ agent_id: 'abc' }, 'agent_id');
    await http().get('/api/search').query({ q: 'securite' }).expect(401);
  });

  it('indexes a message written without its full text on the next run of the job', async () => {
    const dataSource = c.t.app.get(DataSource);
    const sent = await send(alice, aliceChats[2], 'Le pare-feu zorglub bloque tout');
    const questionId = sent.body.user_message.id as number;
    // The answer was indexed when it ended, without the job.
    const [answer] = await dataSource.query('SELECT tsv IS NOT NULL AS indexed FROM messages WHERE id = $1', [sent.body.assistant_message.id]);
    expect(answer.indexed).toBe(true);
    await dataSource.query('UPDATE messages SET tsv = NULL WHERE id = $1', [questionId]);
    expect(messageHits(await search(alice, { q: 'zorglub' })).map((hit) => hit.message_id)).not.toContain(questionId);
    await indexMissing();
    const found = messageHits(await search(alice, { q: 'zorglub' }));
    expect(found.map((hit) => hit.message_id)).toContain(questionId);
    const [{ missing }] = await dataSource.query(`SELECT count(*)::int AS missing FROM messages WHERE tsv IS NULL AND status <> 'streaming'`);
    expect(missing).toBe(0);
  });
});
