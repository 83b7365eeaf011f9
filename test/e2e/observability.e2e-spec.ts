import { ChatApp, startChatApp, userWithChat, waitFor } from '../support/chat-app';
import { connectSocket } from '../support/socket-client';
import { startTestApp, TestApp } from '../support/test-app';

/** The value of a Prometheus sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('Observability: readiness with the model, and /metrics', () => {
  let c: ChatApp;

  beforeAll(async () => {
    c = await startChatApp();
  });
  afterAll(() => c.close());

  it('reports the model provider in readiness, with its endpoint and breaker', async () => {
    const ready = await c.t.http().get('/api/health/ready').expect(200);
    expect(ready.body).toEqual({
      status: 'ok',
      checks: expect.objectContaining({ database: 'up', llm: 'up' }),
      llm_endpoints: [{ name: 'mistral', state: 'closed', models: expect.arrayContaining(['sim-chat', 'sim-vision']) }],
    });
  });

  it('counts requests by route template, answers by status, and process figures', async () => {
    const { user, chatId } = await userWithChat(c.t);
    await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'hello', stream: false }).expect(201);
    await c.t.http().get(`/api/chats/${chatId}`).set(user.auth).expect(200);
    await c.t.http().get('/api/chats/999999').set(user.auth).expect(404);

    const metrics = await c.t.http().get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    const text = metrics.text;
    expect(sample(text, 'foyergpt_answers_total{status="complete"}')).toBe(1);
    expect(sample(text, 'foyergpt_answers_in_progress')).toBe(0);
    expect(sample(text, 'foyergpt_answer_tokens_total')).toBeGreaterThan(0);
    expect(sample(text, 'foyergpt_answer_first_token_seconds_count')).toBe(1);
    // Route templates, never raw ids: one series for both chat reads.
    expect(sample(text, 'foyergpt_http_request_duration_seconds_count{method="GET",route="/api/chats/:id",status="200"}')).toBe(1);
    expect(sample(text, 'foyergpt_http_request_duration_seconds_count{method="GET",route="/api/chats/:id",status="404"}')).toBe(1);
    expect(text).not.toContain('/api/chats/999999');
    expect(sample(text, 'foyergpt_llm_endpoint_state{endpoint="mistral"}')).toBe(0);
    expect(sample(text, 'foyergpt_llm_endpoint_failures_total{endpoint="mistral"}')).toBe(0);
    expect(sample(text, 'foyergpt_llm_failovers_total{endpoint="mistral"}')).toBe(0);
    expect(text).toMatch(/^foyergpt_process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^foyergpt_nodejs_eventloop_lag_p99_seconds /m);
  });

  it('counts sockets as they connect and leave', async () => {
    const { user } = await userWithChat(c.t);
    const count = async () => sample((await c.t.http().get('/metrics').expect(200)).text, 'foyergpt_socket_connections');
    const before = (await count()) ?? 0;
    const { socket } = await connectSocket(c.t.url, { auth: { token: user.token } });
    expect(await count()).toBe(before + 1);
    socket.close();
    await waitFor(count, (n) => n === before);
  });
});

describe('Observability: a model that does not answer, and a metrics token', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Nothing listens on port 9: the provider is configured but down.
    t = await startTestApp({ API_URL: 'http://127.0.0.1:9/v1', API_KEY: 'k', API_MODEL: 'm', METRICS_TOKEN: 'scrape-secret' });
  });
  afterAll(() => t.close());

  it('stays ready, degraded, when the model provider is down', async () => {
    const ready = await t.http().get('/api/health/ready').expect(200);
    expect(ready.body).toEqual({
      status: 'degraded',
      detail: expect.stringMatching(/^llm: the model provider does not answer/),
      checks: expect.objectContaining({ database: 'up', llm: 'down' }),
      llm_endpoints: [{ name: 'mistral', state: 'closed', models: expect.arrayContaining(['m']) }],
    });
  });

  it('requires the token for /metrics when METRICS_TOKEN is set', async () => {
    await t.http().get('/metrics').expect(401);
    await t.http().get('/metrics').set('Authorization', 'Bearer wrong').expect(401);
    const metrics = await t.http().get('/metrics').set('Authorization', 'Bearer scrape-secret').expect(200);
    expect(metrics.text).toContain('foyergpt_http_request_duration_seconds');
  });
});

describe('Observability: an endpoint whose breaker opened', () => {
  let c: ChatApp;

  beforeAll(async () => {
    c = await startChatApp({ LLM_BREAKER_FAILURES: '2', LLM_RETRIES: '1', LLM_BREAKER_COOLDOWN: '60' });
  });
  afterAll(() => c.close());

  it('shows the open breaker and the failures in /metrics, and keeps the instance ready, degraded', async () => {
    const { user, chatId } = await userWithChat(c.t);
    c.sim.enqueueFault({ type: 'server_error' });
    c.sim.enqueueFault({ type: 'server_error' });
    await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'hello', stream: false }).expect(503);

    const text = (await c.t.http().get('/metrics').expect(200)).text;
    expect(sample(text, 'foyergpt_llm_endpoint_state{endpoint="mistral"}')).toBe(2);
    expect(sample(text, 'foyergpt_llm_endpoint_failures_total{endpoint="mistral"}')).toBe(2);
    const ready = await c.t.http().get('/api/health/ready').expect(200);
    expect(ready.body).toMatchObject({
      status: 'degraded',
      detail: expect.stringContaining('circuit breaker open for mistral'),
      checks: { database: 'up', llm: 'up' },
      llm_endpoints: [{ name: 'mistral', state: 'open' }],
    });
    // Open: the next answer is refused at once, without a call to the endpoint.
    const before = c.sim.chatRequests().length;
    await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'again', stream: false }).expect(503);
    expect(c.sim.chatRequests()).toHaveLength(before);
  });
});
