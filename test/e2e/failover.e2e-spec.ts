import { DataSource } from 'typeorm';
import type { SignedIn } from '../support/auth';
import { ChatApp, startChatApp, userWithChat, waitFor } from '../support/chat-app';
import { LlmSimulator } from '../support/llm-simulator/llm-simulator';
import type { SimFault } from '../support/llm-simulator/llm-simulator';
import type { TestApp } from '../support/test-app';

/** Eight tokens: long enough for an answer to be cut in the middle. */
const REPLY = 'one two three four five six seven eight';

interface Answer {
  id: number;
  role: string;
  status: string;
  content: string;
  error: string | null;
  llm_provider: string | null;
  llm_model: string | null;
}

interface Lane {
  user: SignedIn;
  chatId: number;
}

/** The value of a Prometheus sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

/** A simulator serving `models`, restarted on `port` when given (an endpoint coming back at its address). */
async function simulator(models: string[], port?: number): Promise<LlmSimulator> {
  const sim = await LlmSimulator.start({ models, port, interTokenMs: 10 });
  sim.reply = () => REPLY;
  return sim;
}

const portOf = (sim: LlmSimulator) => Number(new URL(sim.url).port);

/** Asks with `stream: false`, then reads the answer back as a client would (GET: the chat's newest message). */
async function ask(t: TestApp, { user, chatId }: Lane, content: string): Promise<{ status: number; answer: Answer }> {
  const response = await t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content, stream: false });
  const newest = await t.http().get(`/api/messages/chat/${chatId}`).query({ limit: 1 }).set(user.auth).expect(200);
  return { status: response.status, answer: newest.body.items[0] as Answer };
}

/** The usage ledger's answer rows of these messages, by message id. */
async function ledgerOf(t: TestApp, ids: number[]): Promise<Map<number, { provider: string; model: string; outcome: string }>> {
  const rows = await t.app
    .get(DataSource)
    .query<{ message_id: number; provider: string; model: string; outcome: string }[]>(
      `SELECT message_id, provider, model, outcome FROM usage_records WHERE purpose = 'answer' AND message_id = ANY($1)`,
      [ids],
    );
  return new Map(rows.map(({ message_id, ...row }) => [message_id, row]));
}

/** Each answer's ledger row names the endpoint and model its message records. */
async function expectLedgerMatches(t: TestApp, answers: Answer[]): Promise<void> {
  const ledger = await ledgerOf(t, answers.map((answer) => answer.id));
  expect(answers.map((answer) => ledger.get(answer.id))).toEqual(
    answers.map((answer) => ({ provider: answer.llm_provider, model: answer.llm_model, outcome: answer.status })),
  );
}

/** What /metrics and readiness say of the endpoints: breaker states (0 closed, 1 half open, 2 open) and failovers. */
async function endpointsView(t: TestApp, names: string[]) {
  const [metrics, ready] = await Promise.all([t.http().get('/metrics').expect(200), t.http().get('/api/health/ready').expect(200)]);
  const per = (metric: string) => Object.fromEntries(names.map((name) => [name, sample(metrics.text, `${metric}{endpoint="${name}"}`)]));
  return {
    state: per('foyergpt_llm_endpoint_state'),
    failovers: per('foyergpt_llm_failovers_total'),
    readiness: Object.fromEntries((ready.body.llm_endpoints as { name: string; state: string }[]).map(({ name, state }) => [name, state])),
  };
}

describe('Failover: one model on two endpoints, by priority and by weight, and an agent fallback model', () => {
  let primary: LlmSimulator;
  let secondary: LlmSimulator;
  let left: LlmSimulator;
  let right: LlmSimulator;
  let c: ChatApp;
  let lane: Lane;

  beforeAll(async () => {
    [primary, secondary, left, right] = await Promise.all([
      simulator(['fo-chat']),
      simulator(['fo-chat']),
      simulator(['fo-even']),
      simulator(['fo-even']),
    ]);
    c = await startChatApp({
      LLM_ENDPOINTS: JSON.stringify([
        { name: 'primary', base_url: primary.url, models: ['fo-chat'], priority: 0 },
        { name: 'secondary', base_url: secondary.url, models: ['fo-chat'], priority: 1 },
        { name: 'left', base_url: left.url, models: ['fo-even'], priority: 0, weight: 1 },
        { name: 'right', base_url: right.url, models: ['fo-even'], priority: 0, weight: 1 },
      ]),
      LLM_FIRST_TOKEN_TIMEOUT: '1',
      // Three attempts: both endpoints, then a fallback model. Breakers are the next block's subject: none opens here.
      LLM_RETRIES: '2',
      LLM_BREAKER_FAILURES: '20',
      RATE_LIMIT_MESSAGES_PER_MINUTE: '1000',
    });
    lane = await userWithChat(c.t, { model: 'fo-chat' }, 'Failover');
  });
  beforeEach(() => {
    for (const sim of [primary, secondary, left, right, c.sim]) {
      sim.reset();
      sim.reply = () => REPLY;
    }
  });
  afterAll(async () => {
    await c?.close();
    await Promise.all([primary, secondary, left, right].map((sim) => sim?.close()));
  });

  it('answers from the first endpoint by priority while it is healthy', async () => {
    const { status, answer } = await ask(c.t, lane, 'healthy');
    expect(status).toBe(201);
    expect(answer).toMatchObject({ status: 'complete', content: REPLY, llm_provider: 'primary', llm_model: 'fo-chat' });
    expect([primary.chatRequests().length, secondary.chatRequests().length]).toEqual([1, 0]);
    await expectLedgerMatches(c.t, [answer]);
  });

  it.each<[string, SimFault]>([
    ['a 500', { type: 'server_error' }],
    ['a 429 with Retry-After', { type: 'rate_limit', retryAfterSeconds: 30 }],
    ['no first token in time', { type: 'stall' }],
  ])('moves an answer to the second endpoint on %s before the first token, and comes back first next time', async (_case, fault) => {
    const before = (await endpointsView(c.t, ['primary'])).failovers.primary ?? 0;
    primary.enqueueFault(fault);
    const moved = await ask(c.t, lane, 'moved');
    expect(moved.status).toBe(201);
    expect(moved.answer).toMatchObject({ status: 'complete', content: REPLY, llm_provider: 'secondary', llm_model: 'fo-chat' });
    expect([primary.chatRequests().length, secondary.chatRequests().length]).toEqual([1, 1]);
    expect((await endpointsView(c.t, ['primary'])).failovers.primary).toBe(before + 1);

    const next = await ask(c.t, lane, 'back');
    expect(next.answer).toMatchObject({ status: 'complete', llm_provider: 'primary' });
    await expectLedgerMatches(c.t, [moved.answer, next.answer]);
  });

  it('moves an answer to the second endpoint when the first refuses connections, and back once it listens again', async () => {
    const port = portOf(primary);
    await primary.close();
    const moved = await ask(c.t, lane, 'refused');
    expect(moved.answer).toMatchObject({ status: 'complete', content: REPLY, llm_provider: 'secondary' });
    expect(secondary.chatRequests()).toHaveLength(1);

    primary = await simulator(['fo-chat'], port);
    const next = await ask(c.t, lane, 'listening again');
    expect(next.answer).toMatchObject({ status: 'complete', llm_provider: 'primary' });
    expect(primary.chatRequests()).toHaveLength(1);
  });

  it('never moves an answer after its first token: a cut stream ends failed with its partial text, after one request', async () => {
    primary.enqueueFault({ type: 'cut', afterTokens: 3 });
    const { status, answer } = await ask(c.t, lane, 'cut');
    expect(status).toBe(503);
    expect(answer).toMatchObject({ status: 'failed', content: 'one two three', llm_provider: 'primary', llm_model: 'fo-chat' });
    expect([primary.chatRequests().length, secondary.chatRequests().length]).toEqual([1, 0]);
    await expectLedgerMatches(c.t, [answer]);
  });

  it("answers with the agent's fallback model once every endpoint of its model failed, and records it", async () => {
    const withFallback = await userWithChat(c.t, { model: 'fo-chat', fallback_models: ['sim-chat'] }, 'Fallback');
    const healthy = await ask(c.t, withFallback, 'no need');
    expect(healthy.answer).toMatchObject({ llm_provider: 'primary', llm_model: 'fo-chat' });

    primary.enqueueFault({ type: 'server_error', status: 503 });
    secondary.enqueueFault({ type: 'server_error', status: 502 });
    const rescued = await ask(c.t, withFallback, 'who answers');
    expect(rescued.status).toBe(201);
    expect(rescued.answer).toMatchObject({ status: 'complete', content: REPLY, llm_provider: 'mistral', llm_model: 'sim-chat' });
    expect(c.sim.chatRequests().map((request) => (request.body as { model: string }).model)).toEqual(['sim-chat']);
    await expectLedgerMatches(c.t, [healthy.answer, rescued.answer]);

    // The same failures without a fallback model fail the answer (three attempts: LLM_RETRIES=2).
    for (const fault of [primary, secondary, primary]) fault.enqueueFault({ type: 'server_error' });
    const failed = await ask(c.t, lane, 'nobody answers');
    expect(failed.status).toBe(503);
    expect(failed.answer).toMatchObject({ status: 'failed', content: '' });
    expect(c.sim.chatRequests()).toHaveLength(1);
  });

  it('shares answers between endpoints of equal priority by weight', async () => {
    const lanes: Lane[] = [];
    for (let i = 0; i < 4; i++) lanes.push(await userWithChat(c.t, { model: 'fo-even' }, `Weighted ${i}`));
    left.reply = right.reply = () => 'ok';
    const providers: (string | null)[] = [];
    const send = async (lane: Lane) => {
      for (let i = 0; i < 15; i++) providers.push((await ask(c.t, lane, `question ${i}`)).answer.llm_provider);
    };
    await Promise.all(lanes.map(send));
    const served = { left: left.chatRequests().length, right: right.chatRequests().length };
    expect(served.left + served.right).toBe(60);
    // Weights 1:1, so about 30 each; fewer than 10 on either side has less than a one-in-ten-million chance.
    expect(served.left).toBeGreaterThanOrEqual(10);
    expect(served.right).toBeGreaterThanOrEqual(10);
    expect(providers.filter((provider) => provider === 'left')).toHaveLength(served.left);
    expect(providers.filter((provider) => provider === 'right')).toHaveLength(served.right);
  });
});

describe('Failover: the first of two endpoints dies during 100 sends, then comes back', () => {
  const LANES = 4;
  const FAILURES = 3;
  const SENDS = 100;
  let first: LlmSimulator;
  let second: LlmSimulator;
  let c: ChatApp;

  beforeAll(async () => {
    [first, second] = await Promise.all([simulator(['fo-chat']), simulator(['fo-chat'])]);
    c = await startChatApp({
      LLM_ENDPOINTS: JSON.stringify([
        { name: 'first', base_url: first.url, models: ['fo-chat'], priority: 0 },
        { name: 'second', base_url: second.url, models: ['fo-chat'], priority: 1 },
      ]),
      LLM_FIRST_TOKEN_TIMEOUT: '1',
      LLM_BREAKER_FAILURES: String(FAILURES),
      // Longer than the sends that follow the kill take here, so that they send no probe to the dead endpoint
      // (the bounds below allow one, for a slower machine).
      LLM_BREAKER_COOLDOWN: '8',
      RATE_LIMIT_MESSAGES_PER_MINUTE: '1000',
    });
  });
  afterAll(async () => {
    await c?.close();
    await Promise.all([first?.close(), second?.close()]);
  });

  it('completes every answer but those cut mid-stream, opens the breaker within its failures, and closes it when the endpoint is back', async () => {
    const lanes: Lane[] = [];
    for (let i = 0; i < LANES; i++) lanes.push(await userWithChat(c.t, { model: 'fo-chat' }, `Lane ${i}`));

    // Four chats send in turn, one answer at a time each; the first endpoint dies a few tokens into its 25th answer.
    const dead = first;
    let received = 0;
    const killed = new Promise<void>((resolve) => {
      dead.reply = () => {
        if (++received === 25) setTimeout(() => void dead.close().then(resolve), 35);
        return REPLY;
      };
    });
    const statuses: number[] = [];
    let sent = 0;
    const send = async (lane: Lane) => {
      while (sent < SENDS) {
        sent += 1;
        statuses.push((await ask(c.t, lane, `question ${sent}`)).status);
      }
    };
    const kill = async () => {
      await killed;
      const view = await waitFor(() => endpointsView(c.t, ['first', 'second']), (v) => v.state.first === 2, 10_000);
      return { ...view, secondRequests: second.chatRequests().length };
    };
    const [opened] = await Promise.all([kill(), ...lanes.map(send)]);
    const ended = await endpointsView(c.t, ['first', 'second']);

    const answers: Answer[] = [];
    for (const { user, chatId } of lanes) {
      const page = await c.t.http().get(`/api/messages/chat/${chatId}`).query({ limit: 200 }).set(user.auth).expect(200);
      answers.push(...(page.body.items as Answer[]).filter((message) => message.role === 'assistant'));
    }
    expect(answers).toHaveLength(SENDS);

    // Those streaming from it when it died end failed with their text so far, as answered by it; all others complete.
    const cut = answers.filter((answer) => answer.status !== 'complete');
    expect(cut.length).toBeGreaterThanOrEqual(1);
    expect(cut.length).toBeLessThanOrEqual(LANES);
    for (const answer of cut) {
      expect(answer).toMatchObject({ status: 'failed', llm_provider: 'first', llm_model: 'fo-chat' });
      expect(REPLY.startsWith(answer.content) && answer.content.length > 0 && answer.content !== REPLY).toBe(true);
    }
    expect(statuses.filter((status) => status !== 201)).toEqual(cut.map(() => 503));
    const complete = answers.filter((answer) => answer.status === 'complete');
    expect(complete.every((answer) => answer.content === REPLY && answer.llm_model === 'fo-chat')).toBe(true);
    const servedBySecond = complete.filter((answer) => answer.llm_provider === 'second');
    expect(servedBySecond).toHaveLength(second.chatRequests().length);
    expect(complete.length - servedBySecond.length + cut.length).toBeLessThanOrEqual(dead.chatRequests().length);

    // Open within its failures: beyond the threshold, only calls already on their way (one per other chat) moved
    // away from it, and a probe should the sends outlast the cool-down. Later answers went to the second endpoint
    // straight away, without trying the dead one each time.
    expect(opened.state).toEqual({ first: 2, second: 0 });
    expect(opened.readiness).toMatchObject({ first: 'open', second: 'closed' });
    expect(ended.failovers.first ?? 0).toBeLessThanOrEqual(FAILURES + LANES);
    expect(second.chatRequests().length - opened.secondRequests).toBeGreaterThanOrEqual(30);

    // Back on the same address: after the cool-down one probe reaches it, succeeds and closes the breaker.
    first = await simulator(['fo-chat'], portOf(dead));
    const [probeLane] = lanes;
    const back = await waitFor(() => ask(c.t, probeLane, 'are you back?'), ({ answer }) => answer.llm_provider === 'first', 15_000);
    expect(back.answer).toMatchObject({ status: 'complete', content: REPLY, llm_model: 'fo-chat' });
    expect(first.chatRequests()).toHaveLength(1);
    const closed = await endpointsView(c.t, ['first', 'second']);
    expect(closed.state).toEqual({ first: 0, second: 0 });
    expect(closed.readiness).toMatchObject({ first: 'closed', second: 'closed' });
    const again = [];
    for (let i = 0; i < 3; i++) again.push((await ask(c.t, probeLane, `again ${i}`)).answer);
    expect(again.map((answer) => answer.llm_provider)).toEqual(['first', 'first', 'first']);

    // Every answer's ledger row names the endpoint and model its message records.
    await expectLedgerMatches(c.t, [...answers, back.answer, ...again]);
  });
});
