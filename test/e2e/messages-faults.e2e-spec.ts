import { DataSource } from 'typeorm';
import { AnswerEndingsRepository, Message } from '#database';
import { InterruptedAnswers } from '#messages';
import { ChatApp, startChatApp, userWithChat, waitFor } from '../support/chat-app';
import { readSse } from '../support/sse';
import { startTestApp } from '../support/test-app';
import { signUp } from '../support/auth';

describe('Messages: provider faults and limits', () => {
  let c: ChatApp;

  beforeAll(async () => {
    c = await startChatApp({ MAX_CONCURRENT_GENERATIONS: '20' });
  });
  afterEach(() => c.sim.reset());
  afterAll(() => c.close());

  const messages = () => c.t.app.get(DataSource).getRepository(Message);
  const final = (id: number) => waitFor(() => messages().findOneByOrFail({ id }), (m) => m.status !== 'streaming');

  /** Sends one message and checks the user message is stored exactly once. */
  async function sendOnce(body: object, expected = 201) {
    const { user, chatId } = await userWithChat(c.t, {}, 'Faults');
    const response = await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'question', ...body }).expect(expected);
    const rows = await messages().find({ where: { chat_id: chatId }, order: { id: 'ASC' } });
    expect(rows.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['question']);
    return { response, user, chatId, answer: rows.find((m) => m.role === 'assistant')! };
  }

  it('a provider 429 fails the answer saying the model is busy; stream:false answers 429 with Retry-After', async () => {
    c.sim.enqueueFault({ type: 'rate_limit', retryAfterSeconds: 7 });
    const streamed = await sendOnce({});
    expect(await final(streamed.answer.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/busy/) });

    c.sim.enqueueFault({ type: 'rate_limit', retryAfterSeconds: 7 });
    const blocking = await sendOnce({ stream: false }, 429);
    expect(blocking.response.headers['retry-after']).toBe('7');
    expect(blocking.response.body.detail).toMatch(/busy/);
    expect(blocking.answer.status).toBe('failed');
  });

  it('retries a failing provider before the first token, then succeeds', async () => {
    c.sim.enqueueFault({ type: 'server_error', status: 502 });
    const { answer } = await sendOnce({});
    expect(await final(answer.id)).toMatchObject({ status: 'complete', content: 'Echo: question' });
    expect(c.sim.chatRequests()).toHaveLength(2);
  });

  it('gives up after bounded retries: failed, and 503 for stream:false', async () => {
    c.sim.enqueueFault({ type: 'server_error' });
    c.sim.enqueueFault({ type: 'server_error' });
    const { response, answer } = await sendOnce({ stream: false }, 503);
    expect(response.body.detail).toMatch(/failed \(HTTP 500\)/);
    expect(answer).toMatchObject({ status: 'failed', content: '' });
    expect(c.sim.chatRequests()).toHaveLength(2);
  });

  it('keeps the partial text when the connection is cut, and streams an error event', async () => {
    c.sim.reply = () => 'one two three four five six';
    c.sim.interTokenMs = 30;
    c.sim.enqueueFault({ type: 'cut', afterTokens: 3 });
    const { user, chatId, answer } = await sendOnce({});
    const { events } = await readSse(`${c.t.url}/api/messages/stream/${chatId}`, {
      headers: { Authorization: user.auth.Authorization },
      until: (e) => e.event !== 'token',
    });
    expect(events.at(-1)!.event).toBe('error');
    expect(await final(answer.id)).toMatchObject({ status: 'failed', content: 'one two three' });
    expect(c.sim.chatRequests()).toHaveLength(1);
  });

  it('fails a stalled stream after the idle timeout, keeping what came', async () => {
    c.sim.reply = () => 'alpha beta gamma delta';
    c.sim.enqueueFault({ type: 'stall', afterTokens: 2 });
    const { answer } = await sendOnce({});
    expect(await final(answer.id)).toMatchObject({ status: 'failed', content: 'alpha beta', error: expect.stringMatching(/stopped sending/) });
  });

  it('fails on a malformed chunk, keeping what came', async () => {
    c.sim.reply = () => 'alpha beta gamma';
    c.sim.enqueueFault({ type: 'malformed', afterTokens: 1 });
    const { answer } = await sendOnce({});
    expect(await final(answer.id)).toMatchObject({ status: 'failed', content: 'alpha', error: expect.stringMatching(/invalid response/) });
  });

  it('fails when no first token comes in time (after its retry)', async () => {
    c.sim.enqueueFault({ type: 'stall' });
    c.sim.enqueueFault({ type: 'stall' });
    const { answer } = await sendOnce({});
    const row = await waitFor(() => messages().findOneByOrFail({ id: answer.id }), (m) => m.status !== 'streaming', 15_000);
    expect(row).toMatchObject({ status: 'failed', content: '', error: expect.stringMatching(/did not start/) });
  });

  it('ends answers left streaming by a dead process as interrupted, keeping their text', async () => {
    const { chatId } = await userWithChat(c.t, {}, 'Faults');
    const orphan = await messages().save({ chat_id: chatId, role: 'assistant', content: 'half', status: 'streaming' });
    await messages().update(orphan.id, { heartbeat_at: new Date(Date.now() - 3600_000) });
    await c.t.app.get(InterruptedAnswers).sweep(false);
    expect(await final(orphan.id)).toMatchObject({ status: 'interrupted', content: 'half' });
  });

  it('survives a failed final write: stream:false answers 503, and the sweep ends the answer with its saved text', async () => {
    c.sim.reply = () => 'one two three four';
    c.sim.interTokenMs = 400;
    const store = c.t.app.get(AnswerEndingsRepository);
    const end = store.end.bind(store);
    store.end = () => Promise.reject(new Error('database gone'));
    let sent: Awaited<ReturnType<typeof sendOnce>>;
    try {
      sent = await sendOnce({ stream: false }, 503);
    } finally {
      store.end = end;
    }
    expect(sent.response.body.detail).toMatch(/could not be saved/);
    expect(sent.answer.status).toBe('streaming');
    await messages().update(sent.answer.id, { heartbeat_at: new Date(Date.now() - 3600_000) });
    await c.t.app.get(InterruptedAnswers).sweep(false);
    const row = await final(sent.answer.id);
    expect(row.status).toBe('interrupted');
    expect(row.content).toMatch(/^one/);
    expect('one two three four'.startsWith(row.content)).toBe(true);
  });
});

describe('Messages: send limits and configuration', () => {
  it('answers the 11th send within a minute with 429 and Retry-After', async () => {
    const c = await startChatApp();
    try {
      const { user, chatId } = await userWithChat(c.t, {}, 'Faults');
      for (let i = 0; i < 10; i++) {
        await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: `m${i}`, stream: false }).expect(201);
      }
      const refused = await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'one more' }).expect(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(await c.t.app.get(DataSource).getRepository(Message).countBy({ chat_id: chatId, role: 'user' })).toBe(10);
    } finally {
      await c.close();
    }
  });

  it('caps concurrent answers per user', async () => {
    const c = await startChatApp({ MAX_CONCURRENT_GENERATIONS: '1' });
    try {
      c.sim.reply = () => 'slow answer with several words';
      c.sim.interTokenMs = 100;
      const { user, chatId } = await userWithChat(c.t, {}, 'Faults');
      await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'first' }).expect(201);
      const refused = await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'second' }).expect(429);
      expect(refused.body.detail).toMatch(/in progress/);
    } finally {
      await c.close();
    }
  });

  it('answers 503 naming the variables to set when no provider is configured, storing nothing', async () => {
    const t = await startTestApp();
    try {
      const user = await signUp(t);
      const agent = await t.http().post('/api/agents').set(user.auth).send({ name: 'A' }).expect(201);
      const chat = await t.http().post('/api/chats').set(user.auth).send({ agent_id: agent.body.id }).expect(201);
      const refused = await t.http().post('/api/messages').set(user.auth).send({ chat_id: chat.body.id, content: 'hi' }).expect(503);
      expect(refused.body.detail).toMatch(/API_KEY/);
      expect(await t.app.get(DataSource).getRepository(Message).countBy({ chat_id: chat.body.id })).toBe(0);
    } finally {
      await t.close();
    }
  });
});
