import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { Group, GroupMember, UsageRecord } from '#database';
import { signUp } from '../support/auth';
import type { SignedIn } from '../support/auth';
import { simulatorEnv, startSimulator, waitFor } from '../support/chat-app';
import type { LlmSimulator } from '../support/llm-simulator/llm-simulator';
import { connectSocket, request } from '../support/socket-client';
import { startApp, testEnvironment } from '../support/test-app';
import type { TestApp, TestEnvironment } from '../support/test-app';

// Two instances need a shared database server and Redis; embedded (PGlite, in-memory) the one instance takes both roles.
const sharedServers = !!process.env.TEST_DATABASE_URL && !!process.env.REDIS_URL;
type Instance = Omit<TestApp, 'close'>;

const nextUtcMidnight = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
};
const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');
const TWENTY_WORDS = Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ');

describe(`Budgets that hold (${sharedServers ? 'two instances on one PostgreSQL and Redis' : 'one embedded instance'})`, () => {
  let sim: LlmSimulator;
  let environment: TestEnvironment;
  let a: Instance;
  let b: Instance;
  let admin: SignedIn;

  beforeAll(async () => {
    sim = await startSimulator();
    // Only the budget may refuse: the answers-in-progress cap and the rate limit are out of the way.
    environment = await testEnvironment({
      ...simulatorEnv(sim),
      MAX_CONCURRENT_GENERATIONS: '100',
      RATE_LIMIT_MESSAGES_PER_MINUTE: '10000',
      EMBEDDING_PROVIDER: 'none',
    });
    a = await startApp(environment.env);
    b = sharedServers ? await startApp(environment.env) : a;
    admin = await signUp({ ...a, close: async () => undefined });
  });
  afterEach(() => sim.reset());
  afterAll(async () => {
    if (b !== a) await b?.stop();
    await a?.stop();
    await environment?.dispose();
    await sim?.close();
  });

  const data = () => a.app.get(DataSource);
  const instance = (i: number) => (i % 2 === 0 ? a : b);
  const asApp = (t: Instance) => ({ ...t, close: async () => undefined });

  async function userWithChats(count: number): Promise<{ user: SignedIn; chatIds: number[] }> {
    const user = await signUp(asApp(a));
    const agent = await a.http().post('/api/agents').set(user.auth).send({ name: 'Budgeted', system_prompt: 'You are terse.' }).expect(201);
    const chatIds: number[] = [];
    // Titled chats: an untitled one would queue a title call after its first answer.
    for (let i = 0; i < count; i++) {
      chatIds.push((await a.http().post('/api/chats').set(user.auth).send({ agent_id: agent.body.id, title: `Chat ${i}` }).expect(201)).body.id);
    }
    return { user, chatIds };
  }
  const setBudget = (userId: number, limits: object) => a.http().put(`/api/admin/budgets/users/${userId}`).set(admin.auth).send(limits).expect(200);
  const send = (t: Instance, user: SignedIn, body: object, key?: string) => {
    const sent = t.http().post('/api/messages').set(user.auth);
    return (key ? sent.set('Idempotency-Key', key) : sent).send(body);
  };
  const settled = (userId: number) =>
    waitFor(
      () => data().query(`SELECT count(*)::int AS n FROM messages m JOIN chats c ON c.id = m.chat_id WHERE c.user_id = $1 AND m.status = 'streaming'`, [userId]),
      (rows: { n: number }[]) => rows[0].n === 0,
      30_000,
    );
  const ledgerOf = (userId: number) => data().getRepository(UsageRecord).find({ where: { user_id: userId }, order: { id: 'ASC' } });
  const spent = (rows: UsageRecord[]) => rows.reduce((sum, row) => sum + row.prompt_tokens + row.completion_tokens, 0);

  function expectBudgetRefusal(response: Response, detail: RegExp): void {
    expect(response.status).toBe(429);
    expect(response.body.detail).toMatch(detail);
    const retryAfter = Number(response.headers['retry-after']);
    const secondsToReset = Math.ceil((nextUtcMidnight().getTime() - Date.now()) / 1000);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(secondsToReset + 1);
  }

  it('admits exactly messages_per_day of 40 concurrent sends across instances; the rest get 429 with the reset, and the ledger holds the admitted answers', async () => {
    const { user, chatIds } = await userWithChats(4);
    await setBudget(user.id, { messages_per_day: 10 });
    // Long enough that many answers are still streaming while the others are decided.
    sim.reply = () => TWENTY_WORDS;
    sim.interTokenMs = 20;

    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => send(instance(i), user, { chat_id: chatIds[i % 4], content: `question ${i}` }, `burst-${i}`)),
    );
    const admitted = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status !== 201);
    expect(admitted).toHaveLength(10);
    expect(refused).toHaveLength(30);
    for (const response of refused) {
      expectBudgetRefusal(response, new RegExp(`^Daily message budget reached: 10 of 10 messages used; resets at ${iso(nextUtcMidnight())}$`));
    }

    await settled(user.id);
    const answerIds = admitted.map((r) => r.body.assistant_message.id as number).sort((x, y) => x - y);
    // Rows are written as answers end, in whatever order they finish: compared by message.
    const ledger = (await ledgerOf(user.id)).sort((x, y) => (x.message_id ?? 0) - (y.message_id ?? 0));
    expect(ledger.map((row) => [row.purpose, row.message_id, row.outcome])).toEqual(answerIds.map((id) => ['answer', id, 'complete']));
    const stored = await data().query(`SELECT count(*)::int AS n FROM messages WHERE chat_id = ANY($1)`, [chatIds]);
    expect(stored[0].n).toBe(20);

    // A retried admitted send still finds its exchange; a new send, a regenerate and a socket send are refused.
    const index = responses.indexOf(admitted[0]);
    const retried = await send(instance(index + 1), user, { chat_id: chatIds[index % 4], content: `question ${index}` }, `burst-${index}`).expect(201);
    expect(retried.body.assistant_message.id).toBe(admitted[0].body.assistant_message.id);
    expectBudgetRefusal(await send(b, user, { chat_id: chatIds[0], content: 'one more', stream: false }), /^Daily message budget reached/);
    expectBudgetRefusal(await b.http().post(`/api/messages/${answerIds[0]}/regenerate`).set(user.auth), /^Daily message budget reached/);
    const { socket } = await connectSocket(b.url, { auth: { token: user.token } });
    try {
      const ack = await request(socket, 'send_message', { chat_id: chatIds[1], content: 'over the socket' });
      expect(ack).toEqual({
        ok: false,
        detail: `Daily message budget reached: 10 of 10 messages used; resets at ${iso(nextUtcMidnight())}`,
        retry_after: expect.any(Number),
      });
      expect(!ack.ok && ack.retry_after).toBeGreaterThan(0);
    } finally {
      socket.close();
    }
    expect(await ledgerOf(user.id)).toHaveLength(10);

    const usage = await a.http().get('/api/me/usage').set(user.auth).expect(200);
    expect(usage.body.today).toMatchObject({ tokens: spent(ledger), messages: 10, resets_at: iso(nextUtcMidnight()) });
    expect(usage.body.this_month).toMatchObject({ tokens: spent(ledger), messages: 10 });
    expect(usage.body.limits.messages_per_day).toEqual({
      limit: 10,
      used: 10,
      remaining: 0,
      resets_at: iso(nextUtcMidnight()),
      source: 'user',
      source_id: user.id,
    });
    expect(usage.body.limits.tokens_per_day).toMatchObject({ limit: null, remaining: null, source: null });
  });

  it('holds a token budget: concurrent sends reserve their prompts, the overshoot is at most the completions of the admitted answers, then sends get 429', async () => {
    const LIMIT = 150;
    const { user, chatIds } = await userWithChats(20);
    await setBudget(user.id, { tokens_per_day: LIMIT });
    sim.reply = () => TWENTY_WORDS;
    sim.interTokenMs = 20;

    // A concurrent burst across both instances: the prompts of the 20 (about 15 tokens each, counted) exceed the limit.
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => send(instance(i), user, { chat_id: chatIds[i], content: `edge ${i}` })));
    const admitted = burst.filter((r) => r.status === 201);
    expect(admitted.length).toBeGreaterThan(0);
    expect(admitted.length).toBeLessThan(20);
    for (const response of burst.filter((r) => r.status !== 201)) {
      expectBudgetRefusal(response, /^Daily token budget (reached|would be exceeded): \d+ of 150 tokens used/);
    }
    await settled(user.id);

    // Once the answers are counted, a send is refused.
    expectBudgetRefusal(await send(b, user, { chat_id: chatIds[0], content: 'after', stream: false }), /^Daily token budget/);

    const ledger = await ledgerOf(user.id);
    expect(ledger.map((row) => row.message_id).sort()).toEqual(admitted.map((r) => r.body.assistant_message.id).sort());
    // Each admission saw the ledger, the prompts of the answers still streaming and its own prompt within the
    // limit (our count of these short prompts is above what the simulator reports): so the prompts stay within
    // it, and only completions, unknown until an answer ends, can take the total past it.
    const prompts = ledger.reduce((sum, row) => sum + row.prompt_tokens, 0);
    const completions = ledger.reduce((sum, row) => sum + row.completion_tokens, 0);
    expect(prompts).toBeLessThanOrEqual(LIMIT);
    expect(spent(ledger)).toBeLessThanOrEqual(LIMIT + completions);

    const usage = await b.http().get('/api/me/usage').set(user.auth).expect(200);
    expect(usage.body.limits.tokens_per_day).toMatchObject({ limit: LIMIT, used: spent(ledger), source: 'user', source_id: user.id });
    expect(usage.body.limits.tokens_per_day.remaining).toBe(Math.max(0, LIMIT - spent(ledger)));
    expect(usage.body.today.messages).toBe(ledger.length);
  });

  describe('admin routes', () => {
    it('set, list and delete the default, user and group budgets; 404 for a missing user or group; 422 for a bad limit', async () => {
      const user = await signUp(asApp(a));
      const defaults = await a.http().put('/api/admin/budgets/default').set(admin.auth).send({ tokens_per_month: 1_000_000 }).expect(200);
      expect(defaults.body).toMatchObject({ scope: 'default', user_id: null, group_id: null, tokens_per_day: null, tokens_per_month: 1_000_000, messages_per_day: null });
      const own = await setBudget(user.id, { messages_per_day: 0, tokens_per_day: null });
      expect(own.body).toMatchObject({ scope: 'user', user_id: user.id, messages_per_day: 0 });

      const page = await a.http().get('/api/admin/budgets?limit=1').set(admin.auth).expect(200);
      expect(page.body.items).toEqual([expect.objectContaining({ id: own.body.id })]);
      expect(page.body.next_before).toBe(own.body.id);

      await a.http().put('/api/admin/budgets/users/999999').set(admin.auth).send({}).expect(404, { detail: 'User not found' });
      await a.http().put('/api/admin/budgets/groups/999999').set(admin.auth).send({}).expect(404, { detail: 'Group not found' });
      for (const bad of [{ tokens_per_day: -1 }, { messages_per_day: 1.5 }, { tokens_per_month: '10' }, { tokens_per_day: 2 ** 31 }]) {
        const refused = await a.http().put('/api/admin/budgets/default').set(admin.auth).send(bad).expect(422);
        expect(refused.body.detail[0].loc).toEqual(['body', Object.keys(bad)[0]]);
      }

      // A user's zero is the rule for that user: refused before any model call.
      const requestsBefore = sim.requests.length;
      const agent = await a.http().post('/api/agents').set(user.auth).send({ name: 'A', system_prompt: 'x' }).expect(201);
      const chat = await a.http().post('/api/chats').set(user.auth).send({ agent_id: agent.body.id, title: 't' }).expect(201);
      expectBudgetRefusal(await send(a, user, { chat_id: chat.body.id, content: 'hi' }), /^Daily message budget reached: 0 of 0 messages used/);
      expect(sim.requests.length).toBe(requestsBefore);

      // A group's budget lifts its members' limit past their own zero: the most generous wins.
      const team = await data().getRepository(Group).save({ name: `Budgeted team ${user.id}` });
      await data().getRepository(GroupMember).save({ group_id: team.id, user_id: user.id });
      const shared = await a.http().put(`/api/admin/budgets/groups/${team.id}`).set(admin.auth).send({ messages_per_day: 5 }).expect(200);
      expect(shared.body).toMatchObject({ scope: 'group', group_id: team.id, user_id: null, messages_per_day: 5 });
      const lifted = await a.http().get('/api/me/usage').set(user.auth).expect(200);
      expect(lifted.body.limits.messages_per_day).toMatchObject({ limit: 5, used: 0, remaining: 5, source: 'group', source_id: team.id });
      expect(lifted.body.limits.tokens_per_month).toMatchObject({ limit: 1_000_000, source: 'default', source_id: null });
      await a.http().delete(`/api/admin/budgets/groups/${team.id}`).set(admin.auth).expect(204);

      await a.http().delete(`/api/admin/budgets/users/${user.id}`).set(admin.auth).expect(204);
      await a.http().delete(`/api/admin/budgets/users/${user.id}`).set(admin.auth).expect(404, { detail: 'Budget not found' });
      await a.http().delete('/api/admin/budgets/default').set(admin.auth).expect(204);
      const audit = await data().query(`SELECT action, details FROM audit_events WHERE action LIKE 'budget.%' ORDER BY id`);
      expect(audit.slice(-6).map((row: { action: string }) => row.action)).toEqual([
        'budget.set',
        'budget.set',
        'budget.set',
        'budget.delete',
        'budget.delete',
        'budget.delete',
      ]);
      expect(audit.at(-1).details).toEqual({ scope: 'default', tokens_per_day: null, tokens_per_month: 1_000_000, messages_per_day: null });
    });

    it('are 403 for a non-admin', async () => {
      const user = await signUp(asApp(a));
      const routes: [string, string][] = [
        ['get', '/api/admin/budgets'],
        ['put', '/api/admin/budgets/default'],
        ['put', `/api/admin/budgets/users/${user.id}`],
        ['put', '/api/admin/budgets/groups/1'],
        ['delete', '/api/admin/budgets/default'],
        ['delete', `/api/admin/budgets/users/${user.id}`],
        ['delete', '/api/admin/budgets/groups/1'],
      ];
      for (const [method, path] of routes) {
        const call = a.http()[method as 'get' | 'put' | 'delete'](path).set(user.auth);
        await (method === 'put' ? call.send({ messages_per_day: 1000 }) : call).expect(403);
      }
    });
  });
});

