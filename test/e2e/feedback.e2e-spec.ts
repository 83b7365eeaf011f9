import { DataSource } from 'typeorm';
import { MessageFeedback } from '#database';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, startChatApp } from '../support/chat-app';

interface Exchange {
  question: { id: number; content: string };
  answer: { id: number; content: string; llm_model: string; chat_id: number };
}

describe('Feedback on answers', () => {
  let c: ChatApp;
  let db: DataSource;
  let admin: SignedIn;
  let alice: SignedIn;
  let bob: SignedIn;
  let aliceAgent: number;
  let bobAgent: number;
  let aliceChat: number;
  let bobChat: number;
  const asked: Exchange[] = [];
  let bobExchange: Exchange;

  const http = () => c.t.http();
  const feedbackOf = (id: number) => `/api/messages/${id}/feedback`;

  const ask = async (who: SignedIn, chatId: number, content: string): Promise<Exchange> => {
    const sent = await http().post('/api/messages').set(who.auth).send({ chat_id: chatId, content, stream: false }).expect(201);
    return { question: sent.body.user_message, answer: sent.body.assistant_message };
  };

  const startChat = async (who: SignedIn, name: string) => {
    const agent = await http().post('/api/agents').set(who.auth).send({ name, system_prompt: 'Be brief.' }).expect(201);
    // A titled chat gets no title job, so the only model calls are the answers.
    const chat = await http().post('/api/chats').set(who.auth).send({ agent_id: agent.body.id, title: `${name} chat` }).expect(201);
    return { agentId: agent.body.id as number, chatId: chat.body.id as number };
  };

  beforeAll(async () => {
    c = await startChatApp({ ADMIN_EMAIL: 'root@example.org', ADMIN_TRIGRAMME: 'ROO', ADMIN_PASSWORD: 'bootstrap password' });
    db = c.t.app.get(DataSource);
    const login = await http().post('/api/auth/login').send({ email: 'root@example.org', password: 'bootstrap password' }).expect(200);
    admin = { id: login.body.user.id, token: login.body.access_token, auth: { Authorization: `Bearer ${login.body.access_token}` } };
    alice = await signUp(c.t, { email: 'alice@example.org', trigramme: 'ALC' });
    bob = await signUp(c.t, { email: 'bob@example.org', trigramme: 'BOB' });
    ({ agentId: aliceAgent, chatId: aliceChat } = await startChat(alice, 'Alice helper'));
    ({ agentId: bobAgent, chatId: bobChat } = await startChat(bob, 'Bob helper'));
    asked.push(await ask(alice, aliceChat, 'When was the Eiffel tower built?'));
    asked.push(await ask(alice, aliceChat, 'And how tall is it?'));
    bobExchange = await ask(bob, bobChat, 'Name a colour.');
  });
  afterAll(() => c.close());

  it('rates an answer, changes the rating, and keeps one row per user per answer', async () => {
    const answer = asked[0].answer;
    const up = await http().put(feedbackOf(answer.id)).set(alice.auth).send({ rating: 'up' }).expect(200);
    expect(up.body).toEqual({
      id: expect.any(Number),
      message_id: answer.id,
      rating: 'up',
      reason: null,
      comment: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });

    const down = await http()
      .put(feedbackOf(answer.id))
      .set(alice.auth)
      .send({ rating: 'down', reason: 'inaccurate', comment: 'It was finished in 1889.' })
      .expect(200);
    expect(down.body).toMatchObject({ id: up.body.id, rating: 'down', reason: 'inaccurate', comment: 'It was finished in 1889.', created_at: up.body.created_at });
    expect(new Date(down.body.updated_at).getTime()).toBeGreaterThanOrEqual(new Date(up.body.updated_at).getTime());
    expect((await http().get(feedbackOf(answer.id)).set(alice.auth).expect(200)).body).toEqual(down.body);
    expect(await db.getRepository(MessageFeedback).countBy({ message_id: answer.id })).toBe(1);

    // A PUT replaces the whole feedback: what it leaves out is cleared.
    const plain = await http().put(feedbackOf(answer.id)).set(alice.auth).send({ rating: 'down' }).expect(200);
    expect(plain.body).toMatchObject({ id: up.body.id, rating: 'down', reason: null, comment: null });
    await http().put(feedbackOf(answer.id)).set(alice.auth).send({ rating: 'down', reason: 'inaccurate', comment: 'It was finished in 1889.' }).expect(200);
  });

  it('refuses other users\' answers, questions and bad input', async () => {
    const answer = asked[0].answer;
    for (const request of [
      http().put(feedbackOf(answer.id)).set(bob.auth).send({ rating: 'up' }),
      http().get(feedbackOf(answer.id)).set(bob.auth),
      http().delete(feedbackOf(answer.id)).set(bob.auth),
      http().put(feedbackOf(2_000_000_000)).set(alice.auth).send({ rating: 'up' }),
    ]) {
      expect((await request).status).toBe(404);
    }
    const onQuestion = await http().put(feedbackOf(asked[0].question.id)).set(alice.auth).send({ rating: 'up' }).expect(409);
    expect(onQuestion.body).toEqual({ detail: 'Only answers take feedback' });

    const bad: [object, string][] = [
      [{}, 'rating'],
      [{ rating: 'meh' }, 'rating'],
      [{ rating: 1 }, 'rating'],
      [{ rating: 'down', reason: 'boring' }, 'reason'],
      [{ rating: 'down', comment: 'x'.repeat(2001) }, 'comment'],
      [{ rating: 'down', comment: 42 }, 'comment'],
    ];
    for (const [body, field] of bad) {
      const refused = await http().put(feedbackOf(answer.id)).set(alice.auth).send(body);
      expect([body, refused.status]).toEqual([body, 422]);
      expect(refused.body.detail.map((problem: { loc: string[] }) => problem.loc)).toContainEqual(['body', field]);
    }
    expect(await db.getRepository(MessageFeedback).countBy({ message_id: answer.id })).toBe(1);
    await http().put(feedbackOf(answer.id)).set(alice.auth).send({ rating: 'down', comment: 'y'.repeat(2000) }).expect(200);
    await http().put(feedbackOf(answer.id)).set(alice.auth).send({ rating: 'down', reason: 'inaccurate', comment: 'It was finished in 1889.' }).expect(200);
  });

  it('withdraws feedback', async () => {
    const answer = asked[1].answer;
    await http().get(feedbackOf(answer.id)).set(alice.auth).expect(404);
    await http().delete(feedbackOf(answer.id)).set(alice.auth).expect(404);
    await http().put(feedbackOf(answer.id)).set(alice.auth).send({ rating: 'down', reason: 'unhelpful' }).expect(200);
    await http().delete(feedbackOf(answer.id)).set(alice.auth).expect(204);
    await http().get(feedbackOf(answer.id)).set(alice.auth).expect(404);
    await http().put(feedbackOf(answer.id)).set(alice.auth).send({ rating: 'up', reason: 'other', comment: 'Clear.' }).expect(200);
  });

  it('shows admins each feedback with its answer and question, filtered and paged', async () => {
    await http().put(feedbackOf(bobExchange.answer.id)).set(bob.auth).send({ rating: 'down', reason: 'unhelpful' }).expect(200);
    const list = await http().get('/api/admin/feedback').set(admin.auth).expect(200);
    expect(list.body.next_before).toBeNull();
    expect(list.body.items.map((item: { answer: { id: number } }) => item.answer.id)).toEqual([
      bobExchange.answer.id,
      asked[1].answer.id,
      asked[0].answer.id,
    ]);
    const [first] = asked;
    expect(list.body.items[2]).toEqual({
      id: expect.any(Number),
      rating: 'down',
      reason: 'inaccurate',
      comment: 'It was finished in 1889.',
      created_at: expect.any(String),
      updated_at: expect.any(String),
      user: { id: alice.id, email: 'alice@example.org', trigramme: 'ALC' },
      agent: { id: aliceAgent, name: 'Alice helper' },
      model: first.answer.llm_model,
      answer: { id: first.answer.id, chat_id: aliceChat, content: first.answer.content, created_at: expect.any(String) },
      question: { id: first.question.id, content: 'When was the Eiffel tower built?' },
    });
    expect(first.answer.llm_model).toBe('sim-chat');

    const ids = async (query: string) =>
      (await http().get(`/api/admin/feedback?${query}`).set(admin.auth).expect(200)).body.items.map((item: { answer: { id: number } }) => item.answer.id);
    expect(await ids(`agent_id=${aliceAgent}`)).toEqual([asked[1].answer.id, asked[0].answer.id]);
    expect(await ids('rating=down')).toEqual([bobExchange.answer.id, asked[0].answer.id]);
    expect(await ids('model=sim-chat&rating=up')).toEqual([asked[1].answer.id]);
    expect(await ids('model=other-model')).toEqual([]);
    expect(await ids('from=2000-01-01&to=2000-01-02')).toEqual([]);
    expect(await ids(`from=${new Date(Date.now() - 3600_000).toISOString()}`)).toHaveLength(3);

    const paged: number[] = [];
    let before: number | null = null;
    do {
      const page: { body: { items: { id: number }[]; next_before: number | null } } = await http()
        .get(`/api/admin/feedback?limit=1${before ? `&before=${before}` : ''}`)
        .set(admin.auth)
        .expect(200);
      paged.push(...page.body.items.map((item) => item.id));
      before = page.body.next_before;
    } while (before !== null);
    expect(paged).toEqual(list.body.items.map((item: { id: number }) => item.id));

    for (const query of ['rating=meh', 'agent_id=abc', 'from=yesterday', 'limit=0', 'from=2026-01-02&to=2026-01-01']) {
      expect([query, (await http().get(`/api/admin/feedback?${query}`).set(admin.auth)).status]).toEqual([query, 422]);
    }
  });

  it('sums feedback per agent and per model, and counts it on the admins\' agent rows', async () => {
    const byAgent = await http().get('/api/admin/feedback/summary?group_by=agent').set(admin.auth).expect(200);
    expect(byAgent.body).toEqual({
      group_by: 'agent',
      items: [
        {
          key: String(aliceAgent),
          label: 'Alice helper',
          up: 1,
          down: 1,
          total: 2,
          ratio: 0.5,
          top_reasons: [
            { reason: 'inaccurate', count: 1 },
            { reason: 'other', count: 1 },
          ],
        },
        { key: String(bobAgent), label: 'Bob helper', up: 0, down: 1, total: 1, ratio: 0, top_reasons: [{ reason: 'unhelpful', count: 1 }] },
      ],
    });
    const byModel = await http().get('/api/admin/feedback/summary?group_by=model').set(admin.auth).expect(200);
    expect(byModel.body.items).toEqual([
      {
        key: 'sim-chat',
        label: 'sim-chat',
        up: 1,
        down: 2,
        total: 3,
        ratio: 0.3333,
        top_reasons: [
          { reason: 'inaccurate', count: 1 },
          { reason: 'other', count: 1 },
          { reason: 'unhelpful', count: 1 },
        ],
      },
    ]);
    const empty = await http().get('/api/admin/feedback/summary?from=2000-01-01&to=2000-01-02').set(admin.auth).expect(200);
    expect(empty.body).toEqual({ group_by: 'agent', items: [] });
    await http().get('/api/admin/feedback/summary?group_by=user').set(admin.auth).expect(422);

    const agents = await http().get('/api/admin/agents').set(admin.auth).expect(200);
    const row = (id: number) => agents.body.items.find((agent: { id: number }) => agent.id === id);
    expect(row(aliceAgent)).toMatchObject({ feedback_up: 1, feedback_down: 1 });
    expect(row(bobAgent)).toMatchObject({ feedback_up: 0, feedback_down: 1 });
  });

  it('keeps the admin routes for admins', async () => {
    for (const path of ['/api/admin/feedback', '/api/admin/feedback/summary']) {
      await http().get(path).set(alice.auth).expect(403);
      await http().get(path).expect(401);
    }
  });

  it('removes feedback with its chat and with its author, and the admin views follow', async () => {
    // Carol rates in a chat she then deletes; Bob leaves with his account.
    const carol = await signUp(c.t, { email: 'carol@example.org', trigramme: 'CRL' });
    const { agentId: carolAgent, chatId: carolChat } = await startChat(carol, 'Carol helper');
    const carolExchange = await ask(carol, carolChat, 'Say hello.');
    await http().put(feedbackOf(carolExchange.answer.id)).set(carol.auth).send({ rating: 'up' }).expect(200);
    const summary = async () => (await http().get('/api/admin/feedback/summary').set(admin.auth).expect(200)).body.items.map((row: { key: string }) => row.key);
    expect(await summary()).toContain(String(carolAgent));

    await http().delete(`/api/chats/${carolChat}`).set(carol.auth).expect(204);
    await http().delete(`/api/admin/users/${bob.id}`).set(admin.auth).expect(204);

    expect(await db.getRepository(MessageFeedback).count()).toBe(2);
    const list = await http().get('/api/admin/feedback').set(admin.auth).expect(200);
    expect(list.body.items.map((item: { answer: { id: number } }) => item.answer.id)).toEqual([asked[1].answer.id, asked[0].answer.id]);
    expect(await summary()).toEqual([String(aliceAgent)]);
    const byModel = await http().get('/api/admin/feedback/summary?group_by=model').set(admin.auth).expect(200);
    expect(byModel.body.items).toMatchObject([{ key: 'sim-chat', up: 1, down: 1, total: 2 }]);
    const agents = await http().get('/api/admin/agents?include_deleted=true').set(admin.auth).expect(200);
    const row = (id: number) => agents.body.items.find((agent: { id: number }) => agent.id === id);
    expect(row(carolAgent)).toMatchObject({ feedback_up: 0, feedback_down: 0 });
    expect(row(aliceAgent)).toMatchObject({ feedback_up: 1, feedback_down: 1 });
  });
});
