import { DataSource } from 'typeorm';
import { InterruptedAnswers } from '#messages';
import { GenerationEvents } from '#messages';
import { Message } from '#database';
import type { SignedIn } from '../support/auth';
import { ChatApp, simulatorEnv, startChatApp, startSimulator, userWithChat, waitFor } from '../support/chat-app';
import { connectSocket, requestOk, requestRaw } from '../support/socket-client';
import { readSse, SseEvent } from '../support/sse';
import { startApp, testEnvironment, TestApp } from '../support/test-app';

const LONG_REPLY = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
const sharedServers = !!process.env.TEST_DATABASE_URL && !!process.env.REDIS_URL;
const describeShared = sharedServers ? describe : describe.skip;

const repository = (t: Pick<TestApp, 'app'>) => t.app.get(DataSource).getRepository(Message);
const streamUrl = (t: Pick<TestApp, 'url'>, chatId: number) => `${t.url}/api/messages/stream/${chatId}`;

/** What a process that died mid-answer leaves: a question and its answer still `streaming`, with the text saved so far. */
async function orphanedAnswer(t: Pick<TestApp, 'app'>, chatId: number, content: string, heartbeatAt: Date): Promise<Message> {
  const messages = repository(t);
  // Placed in the tree as a send places it: after the chat's active leaf, the answer becoming the leaf.
  const [chat] = await t.app.get(DataSource).query('SELECT active_leaf_id FROM chats WHERE id = $1', [chatId]);
  const question = await messages.save({ chat_id: chatId, role: 'user', content: 'question', status: 'complete', parent_id: chat.active_leaf_id });
  const answer = await messages.save({ chat_id: chatId, role: 'assistant', content, status: 'streaming', parent_id: question.id, heartbeat_at: heartbeatAt });
  await t.app.get(DataSource).query('UPDATE chats SET active_leaf_id = $1 WHERE id = $2', [answer.id, chatId]);
  return answer;
}

const longAgo = () => new Date(Date.now() - 3600_000);

/** Follows a chat's answer over SSE to its end; `attached` resolves at the first event. */
function followAnswer(t: Pick<TestApp, 'url'>, chatId: number, user: SignedIn) {
  let onFirst!: () => void;
  const attached = new Promise<void>((resolve) => (onFirst = resolve));
  const stream = readSse(streamUrl(t, chatId), {
    headers: user.auth,
    timeoutMs: 20_000,
    until: (event) => {
      onFirst();
      return event.event !== 'token';
    },
  });
  return { attached, stream };
}

describe('Answers: concurrency cap, idempotent sends, chat deletion, stream cap', () => {
  let c: ChatApp;

  beforeAll(async () => {
    c = await startChatApp({ MAX_CONCURRENT_GENERATIONS: '3', MAX_STREAMS_PER_USER: '2', RATE_LIMIT_MESSAGES_PER_MINUTE: '1000' });
  });
  afterEach(() => c.sim.reset());
  afterAll(() => c.close());

  const slowAnswers = () => {
    c.sim.reply = () => LONG_REPLY;
    c.sim.interTokenMs = 100;
  };
  const send = (user: SignedIn, body: object) => c.t.http().post('/api/messages').set(user.auth).send(body);

  it('admits exactly MAX_CONCURRENT_GENERATIONS of 10 concurrent sends; the others get 429 and store nothing', async () => {
    slowAnswers();
    const { user, chatId } = await userWithChat(c.t, {}, 'Cap');
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => send(user, { chat_id: chatId, content: `q${i}` })));

    expect(responses.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = responses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(7);
    expect(refused[0].body.detail).toMatch(/in progress/);
    expect(await repository(c.t).countBy({ chat_id: chatId, role: 'user' })).toBe(3);
    expect(await repository(c.t).countBy({ chat_id: chatId, status: 'streaming' })).toBe(3);

    const answerId = responses.find((r) => r.status === 201)!.body.assistant_message.id;
    await c.t.http().post(`/api/messages/${answerId}/regenerate`).set(user.auth).expect(429);
  });

  it('stores a retried send once: the same Idempotency-Key returns the same exchange', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Retry');
    const retry = (content = 'only once') =>
      send(user, { chat_id: chatId, content, stream: false }).set('Idempotency-Key', 'b3c1f2e0-retry');
    // A retry racing the first attempt, then one after it ended.
    const [first, racing] = await Promise.all([retry(), retry()]);
    const later = await retry();

    for (const response of [first, racing, later]) {
      expect(response.status).toBe(201);
      expect(response.body.user_message.id).toBe(first.body.user_message.id);
      expect(response.body.assistant_message.id).toBe(first.body.assistant_message.id);
    }
    expect(later.body.assistant_message).toMatchObject({ status: 'complete', content: 'Echo: only once' });
    expect(await repository(c.t).countBy({ chat_id: chatId, role: 'user' })).toBe(1);
    expect(c.sim.chatRequests()).toHaveLength(1);

    const reused = await retry('something else').expect(409);
    expect(reused.body.detail).toMatch(/Idempotency-Key/);
    const malformed = await send(user, { chat_id: chatId, content: 'x' }).set('Idempotency-Key', 'has spaces').expect(422);
    expect(JSON.stringify(malformed.body.detail)).toMatch(/Idempotency-Key must be 1 to 128/);
  });

  it('stores a socket send repeated with the same idempotency_key once', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Socket retry');
    const { socket } = await connectSocket(c.t.url, { auth: { token: user.token } });
    try {
      const payload = { chat_id: chatId, content: 'over the socket', idempotency_key: 'socket-key-1' };
      const first = await requestOk(socket, 'send_message', payload);
      const again = await requestOk(socket, 'send_message', payload);
      expect(first.ok && again.ok).toBe(true);
      expect(again.user_message.id).toBe(first.user_message.id);
      expect(await repository(c.t).countBy({ chat_id: chatId, role: 'user' })).toBe(1);

      const bad = await requestRaw(socket, 'send_message', { ...payload, idempotency_key: 42 });
      expect(bad).toEqual({ ok: false, detail: expect.stringMatching(/idempotency_key must be/) });
    } finally {
      socket.close();
    }
  });

  it('deleting a chat mid-answer aborts the provider call and ends its followers', async () => {
    slowAnswers();
    const { user, chatId } = await userWithChat(c.t, {}, 'Doomed');
    await send(user, { chat_id: chatId, content: 'long one' }).expect(201);
    const { attached, stream } = followAnswer(c.t, chatId, user);
    await attached;

    await c.t.http().delete(`/api/chats/${chatId}`).set(user.auth).expect(204);
    const call = await waitFor(async () => c.sim.chatRequests()[0], (recorded) => recorded.aborted, 15_000);
    expect(call.aborted).toBe(true);
    const { events } = await stream;
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'stopped' } });
    await c.t.http().get('/api/health').expect(200);
  });

  it('refuses an SSE stream past MAX_STREAMS_PER_USER with 429, and frees the slot when a stream closes', async () => {
    slowAnswers();
    const { user, chatId } = await userWithChat(c.t, {}, 'Streams');
    await send(user, { chat_id: chatId, content: 'keep streaming' }).expect(201);
    const opened: AbortController[] = [];
    const open = async () => {
      const controller = new AbortController();
      const response = await fetch(streamUrl(c.t, chatId), { headers: user.auth, signal: controller.signal });
      if (response.status === 200) opened.push(controller);
      return response;
    };
    try {
      expect((await open()).status).toBe(200);
      expect((await open()).status).toBe(200);
      const refused = await open();
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { detail: string }).detail).toMatch(/Too many answer streams open \(at most 2\)/);

      opened.shift()!.abort();
      await waitFor(open, (response) => response.status === 200);
    } finally {
      opened.forEach((controller) => controller.abort());
    }
  });

  it('ends an answer whose process is gone as interrupted, and its SSE followers get the end', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Orphan');
    const orphan = await orphanedAnswer(c.t, chatId, 'partial', new Date());
    // The dead process had streamed one token, still in the answer's log.
    await c.t.app.get(GenerationEvents).publish({ type: 'token', chat_id: chatId, message_id: orphan.id, first_seq: 1, seq: 1, delta: 'partial' });
    const { attached, stream } = followAnswer(c.t, chatId, user);
    await attached;

    await repository(c.t).update(orphan.id, { heartbeat_at: longAgo() });
    await c.t.app.get(InterruptedAnswers).sweep(false);

    const { events } = await stream;
    expect(events.map((e) => [e.event, e.id])).toEqual([['token', `${orphan.id}:1`], ['error', `${orphan.id}:2`]]);
    expect(events[1].data).toMatchObject({ detail: expect.stringMatching(/restarted/), message: { status: 'interrupted', content: 'partial' } });
  });
});

describe('Answers cut by a crash, at the next boot', () => {
  it('are interrupted with their partial text, followers get the end, and the user is no longer locked out', async () => {
    const sim = await startSimulator();
    const environment = await testEnvironment({ ...simulatorEnv(sim), MAX_CONCURRENT_GENERATIONS: '3' });
    let started = await startApp(environment.env);
    try {
      const { user, chatId } = await userWithChat({ ...started, close: started.stop }, {}, 'Crash');
      // Alone, an instance owns every answer: one cut a moment ago is already known dead at its next boot.
      const heartbeat = sharedServers ? longAgo() : new Date();
      const orphans = [];
      // As many as the cap: before the fix they locked the user out (429) until a job cleared them.
      for (const text of ['first half', 'second half', 'third half']) orphans.push(await orphanedAnswer(started, chatId, text, heartbeat));
      await started.stop();

      started = await startApp(environment.env);
      const stored = await repository(started).findBy(orphans.map(({ id }) => ({ id })));
      expect(stored.map(({ status, content }) => ({ status, content }))).toEqual(
        ['first half', 'second half', 'third half'].map((content) => ({ status: 'interrupted', content })),
      );
      const { events } = await readSse(streamUrl(started, chatId), { headers: user.auth });
      expect(events).toEqual([
        expect.objectContaining<Partial<SseEvent>>({ event: 'error', data: expect.objectContaining({ message: expect.objectContaining({ status: 'interrupted', content: 'third half' }) }) }),
      ]);
      const sent = await started.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'back', stream: false }).expect(201);
      expect(sent.body.assistant_message).toMatchObject({ status: 'complete', content: 'Echo: back' });
    } finally {
      await started.stop();
      await environment.dispose();
      await sim.close();
    }
  });
});

describeShared('Answers across instances sharing PostgreSQL and Redis', () => {
  it("a booting instance interrupts a dead instance's answer, never a live one's", async () => {
    const sim = await startSimulator();
    sim.reply = () => LONG_REPLY;
    sim.interTokenMs = 100;
    const environment = await testEnvironment(simulatorEnv(sim));
    const first = await startApp(environment.env);
    let second: Awaited<ReturnType<typeof startApp>> | undefined;
    try {
      const { user, chatId } = await userWithChat({ ...first, close: first.stop }, {}, 'Live');
      const sent = await first.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'live' }).expect(201);
      const live = sent.body.assistant_message.id as number;
      const dead = await orphanedAnswer(first, (await userWithChat({ ...first, close: first.stop }, {}, 'Dead')).chatId, 'cut', longAgo());
      // The live answer's heartbeat moves while it runs.
      const beat = (await repository(first).findOneByOrFail({ id: live })).heartbeat_at!;
      await waitFor(() => repository(first).findOneByOrFail({ id: live }), (m) => m.heartbeat_at! > beat);

      second = await startApp(environment.env);
      expect(await repository(second).findOneByOrFail({ id: dead.id })).toMatchObject({ status: 'interrupted', content: 'cut' });
      expect(await repository(second).findOneByOrFail({ id: live })).toMatchObject({ status: 'streaming' });
      expect(await second.app.get(InterruptedAnswers).sweep(false)).toBe(0);
      // Still running on the first instance: a stop sent to the second reaches it there.
      const stopped = await second.http().post(`/api/messages/${live}/stop`).set(user.auth).expect(200);
      expect(stopped.body).toMatchObject({ status: 'stopped', content: expect.stringMatching(/^w0 w1/) });
    } finally {
      await second?.stop();
      await first.stop();
      await environment.dispose();
      await sim.close();
    }
  });
});
