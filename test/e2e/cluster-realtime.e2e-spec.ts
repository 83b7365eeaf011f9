import { createHmac } from 'node:crypto';
import { signUp } from '../support/auth';
import { simulatorEnv, startSimulator, userWithChat, waitFor } from '../support/chat-app';
import { ClusterApp, queryDatabase, startClusterApp } from '../support/cluster-app';
import { expectContinuous, expectReplayAfter, Token, workerOfSocket } from '../support/cluster-sockets';
import type { LlmSimulator } from '../support/llm-simulator/llm-simulator';
import { ClientSocket, collect, connectSocket, once, request, requestOk, requestRaw } from '../support/socket-client';

// The realtime scenarios of realtime.e2e-spec.ts, against the built server with two workers, the
// sockets of each scenario spread over both. Needs PostgreSQL and Redis: runs where the suite does (CI).
const shared = process.env.TEST_DATABASE_URL && process.env.REDIS_URL;
const describeShared = shared ? describe : describe.skip;

describeShared('Realtime with two workers (WEB_CONCURRENCY=2)', () => {
  let sim: LlmSimulator;
  let app: ClusterApp;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    sim = await startSimulator();
    app = await startClusterApp({ ...simulatorEnv(sim), MAX_CONCURRENT_GENERATIONS: '20', LLM_IDLE_TIMEOUT: '60' });
  });
  afterEach(() => {
    sim.reset();
    sockets.splice(0).forEach((socket) => socket.close());
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
  });

  async function connect(token: string) {
    const connected = await connectSocket(app.url, { auth: { token } });
    sockets.push(connected.socket);
    return connected;
  }

  /** Sockets of the user until there is one on each worker (new connections go to the workers in turn). */
  async function onBothWorkers(token: string): Promise<[ClientSocket, ClientSocket]> {
    const first = (await connect(token)).socket;
    for (let attempt = 0; attempt < 6; attempt++) {
      const other = (await connect(token)).socket;
      if (workerOfSocket(other) !== workerOfSocket(first)) return [first, other];
    }
    throw new Error('every socket landed on the same worker');
  }

  async function storedMessage(id: number) {
    const [row] = await queryDatabase<{ content: string; status: string }>(app, 'SELECT content, status FROM messages WHERE id = $1', [id]);
    return row;
  }

  it('refuses missing, tampered, foreign, expired and revoked tokens on every worker; accepts header tokens, not query tokens', async () => {
    const user = await signUp(app.client);
    const [header, payload] = user.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const sign = (body: object, secret: string) => {
      const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(body)}`;
      return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
    };
    const now = Math.floor(Date.now() / 1000);
    // Twice each: new connections alternate between the workers.
    for (let round = 0; round < 2; round++) {
      await expect(connectSocket(app.url, {})).rejects.toThrow(/Authentication required/);
      for (const token of [
        `${header}.${b64({ ...claims, sub: '999' })}.${user.token.split('.')[2]}`,
        `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
        sign(claims, 'another-secret-another-secret-0123456789'),
        sign({ ...claims, exp: now - 10 }, app.jwtSecret),
      ]) {
        await expect(connectSocket(app.url, { auth: { token } })).rejects.toThrow(/Invalid, expired or revoked token/);
      }
      const viaHeader = await connectSocket(app.url, { headers: { Authorization: `Bearer ${user.token}` } });
      sockets.push(viaHeader.socket);
      await expect(connectSocket(app.url, { query: { token: user.token } })).rejects.toThrow(/Authentication required/);
    }

    await app.client.http().post('/api/auth/logout').set(user.auth).expect(204);
    for (let round = 0; round < 2; round++) {
      await expect(connectSocket(app.url, { auth: { token: user.token } })).rejects.toThrow(/Invalid, expired or revoked token/);
    }
  });

  it('sends connected with the sid, and disconnects the sockets on both workers when their session is revoked', async () => {
    const user = await signUp(app.client);
    const { socket, sid } = await connect(user.token);
    expect(sid).toBe(socket.id);
    const both = await onBothWorkers(user.token);
    const disconnected = both.map((each) => once(each, 'disconnect'));
    await app.client.http().post('/api/auth/logout').set(user.auth).expect(204);
    expect(await Promise.all(disconnected)).toEqual(['io server disconnect', 'io server disconnect']);
  });

  it('joins only my chats; a refused socket on the other worker receives nothing of that chat', async () => {
    const owner = await userWithChat(app.client, {}, 'Owner');
    const intruder = await userWithChat(app.client, {}, 'Intruder');
    const ownerSocket = (await connect(owner.user.token)).socket;
    let intruderSocket = (await connect(intruder.user.token)).socket;
    while (workerOfSocket(intruderSocket) === workerOfSocket(ownerSocket)) intruderSocket = (await connect(intruder.user.token)).socket;
    expect(await request(ownerSocket, 'join_chat', { chat_id: owner.chatId })).toEqual({ ok: true, chat_id: owner.chatId });
    expect(await request(intruderSocket, 'join_chat', { chat_id: owner.chatId })).toEqual({ ok: false, detail: 'Chat not found' });

    const leaked: unknown[] = [];
    intruderSocket.onAny((event, payload) => leaked.push([event, payload]));
    const done = once(ownerSocket, 'message_done');
    await app.client.http().post('/api/messages').set(owner.user.auth).send({ chat_id: owner.chatId, content: 'secret' }).expect(201);
    await done;
    expect(leaked).toEqual([]);
  });

  it('relays typing to the other members on the other worker, not to the sender, only from members, throttled', async () => {
    const { user, chatId } = await userWithChat(app.client, {}, 'Typing');
    const [first, second] = await onBothWorkers(user.token);
    await request(first, 'join_chat', { chat_id: chatId });
    await request(second, 'join_chat', { chat_id: chatId });
    const echoed: unknown[] = [];
    first.on('user_typing', (payload) => echoed.push(payload));

    const received = once(second, 'user_typing');
    expect(await request(first, 'typing', { chat_id: chatId, is_typing: true })).toEqual({ ok: true, sent: true });
    expect(await received).toEqual({ chat_id: chatId, user_id: user.id, trigramme: expect.stringMatching(/^[A-Z]{3}$/), is_typing: true });
    expect(await request(first, 'typing', { chat_id: chatId, is_typing: true })).toEqual({ ok: true, sent: false });
    expect(await request(first, 'typing', { chat_id: chatId, is_typing: false })).toEqual({ ok: true, sent: true });
    await request(first, 'leave_chat', { chat_id: chatId });
    expect(await request(first, 'typing', { chat_id: chatId, is_typing: true })).toEqual({ ok: true, sent: false });
    expect(echoed).toEqual([]);
  });

  it('streams a message sent over HTTP to the room on both workers, in order, ending with the stored message', async () => {
    const { user, chatId } = await userWithChat(app.client, {}, 'Live');
    sim.reply = () => 'one two three four five';
    sim.interTokenMs = 5;
    const room = await onBothWorkers(user.token);
    const streams = await Promise.all(
      room.map(async (socket) => {
        await request(socket, 'join_chat', { chat_id: chatId });
        const tokens: Token[] = [];
        socket.on('message_token', (token) => tokens.push(token));
        return { tokens, created: once(socket, 'message_created'), done: once(socket, 'message_done') };
      }),
    );
    const sent = await app.client.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'count' }).expect(201);
    for (const stream of streams) {
      expect((await stream.created).assistant_message.id).toBe(sent.body.assistant_message.id);
      const final = (await stream.done).message;
      expectContinuous(stream.tokens);
      expect(stream.tokens.at(-1)!.seq).toBe(5);
      expect(stream.tokens.map((token) => token.delta).join('')).toBe(final.content);
      const listed = (await app.client.http().get(`/api/messages/chat/${chatId}`).set(user.auth)).body.items.at(-1);
      expect(JSON.parse(JSON.stringify({ ...final, sibling_index: 1, sibling_count: 1, sibling_ids: [final.id] }))).toEqual(listed);
      expect(await storedMessage(final.id)).toEqual({ content: 'one two three four five', status: 'complete' });
    }
  });

  it('sends, stops and resumes through sockets on both workers with the HTTP rules', async () => {
    const { user, chatId } = await userWithChat(app.client, {}, 'Socket send');
    sim.reply = () => Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    sim.enqueueFault({ type: 'stall', afterTokens: 8 });
    const [sender, other] = await onBothWorkers(user.token);
    const sent = await requestOk(sender, 'send_message', { chat_id: chatId, content: 'go' });
    const id = sent.assistant_message.id;
    await waitFor(() => storedMessage(id), (message) => message.content.length > 0);

    // The other worker's socket resumes after token 3: the replay starts there and runs on in order.
    const replayed = collect(other, 'message_token', (token) => token.seq === 8);
    const resumed = await requestOk(other, 'resume', { chat_id: chatId, after_seq: 3 });
    expect(resumed).toMatchObject({ ok: true, message_id: id });
    expect(resumed.replayed).toBeGreaterThan(0);
    expectReplayAfter(await replayed, 3);

    const stopped = await requestOk(other, 'stop_generation', { message_id: id });
    expect(stopped.message.status).toBe('stopped');

    const invalid = await requestRaw<{ ok: boolean; detail: { loc: string[] }[] }>(other, 'send_message', { chat_id: chatId, content: '', is_admin: true });
    expect(invalid.ok).toBe(false);
    expect(invalid.detail.map((d) => d.loc[1]).sort()).toEqual(['content', 'is_admin']);
  });

  it('answers malformed payloads with error acks and keeps serving, on both workers', async () => {
    const { user, chatId } = await userWithChat(app.client, {}, 'Malformed');
    for (const socket of await onBothWorkers(user.token)) {
      for (const payload of [undefined, null, 'chat', 42, { chat_id: 'abc' }, { chat_id: -1 }, { chat_id: 1.5 }, []]) {
        const ack = await requestRaw<{ ok: boolean; detail: string }>(socket, 'join_chat', payload);
        expect(ack).toEqual({ ok: false, detail: 'chat_id must be a positive integer' });
      }
      expect(await requestRaw(socket, 'typing', { chat_id: chatId })).toEqual({ ok: false, detail: 'is_typing must be true or false' });
      expect(await requestRaw(socket, 'stop_generation', {})).toEqual({ ok: false, detail: 'message_id must be a positive integer' });
      expect(await requestRaw(socket, 'resume', { chat_id: chatId, after_seq: 'x' })).toEqual({
        ok: false,
        detail: `after_seq must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}`,
      });
      expect(await requestRaw(socket, 'join_chat', { chat_id: String(chatId) })).toEqual({ ok: true, chat_id: chatId });
    }
  });
});
