import { createHmac } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { Message } from '#database';
import { signUp } from '../support/auth';
import { ChatApp, startChatApp, userWithChat, waitFor } from '../support/chat-app';
import { collect, connectSocket, once, request, requestOk, requestRaw } from '../support/socket-client';
import { tokenSeqs } from '../support/token-seqs';

describe('Realtime: Socket.IO gateway', () => {
  let c: ChatApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    c = await startChatApp({ MAX_CONCURRENT_GENERATIONS: '20' });
  });
  afterEach(() => {
    c.sim.reset();
    sockets.splice(0).forEach((socket) => socket.close());
  });
  afterAll(() => c.close());

  async function connect(token: string) {
    const connected = await connectSocket(c.t.url, { auth: { token } });
    sockets.push(connected.socket);
    return connected;
  }

  it('refuses missing, tampered, foreign, expired and revoked tokens; accepts header tokens, not query tokens', async () => {
    const user = await signUp(c.t);
    const [header, payload] = user.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const sign = (body: object, secret: string) => {
      const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(body)}`;
      return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
    };
    const now = Math.floor(Date.now() / 1000);
    await expect(connectSocket(c.t.url, {})).rejects.toThrow(/Authentication required/);
    for (const token of [
      `${header}.${b64({ ...claims, sub: '999' })}.${user.token.split('.')[2]}`,
      `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      sign(claims, 'another-secret-another-secret-0123456789'),
      sign({ ...claims, exp: now - 10 }, c.t.config.auth.jwtSecret!),
    ]) {
      await expect(connectSocket(c.t.url, { auth: { token } })).rejects.toThrow(/Invalid, expired or revoked token/);
    }
    const viaHeader = await connectSocket(c.t.url, { headers: { Authorization: `Bearer ${user.token}` } });
    sockets.push(viaHeader.socket);
    // No access token in a URL: `?token=` is not read.
    await expect(connectSocket(c.t.url, { query: { token: user.token } })).rejects.toThrow(/Authentication required/);

    await c.t.http().post('/api/auth/logout').set(user.auth).expect(204);
    await expect(connectSocket(c.t.url, { auth: { token: user.token } })).rejects.toThrow(/Invalid, expired or revoked token/);
  });

  it('sends connected with the sid, and disconnects the socket when its session is revoked', async () => {
    const user = await signUp(c.t);
    const { socket, sid } = await connect(user.token);
    expect(sid).toBe(socket.id);
    const disconnected = once(socket, 'disconnect');
    await c.t.http().post('/api/auth/logout').set(user.auth).expect(204);
    expect(await disconnected).toBe('io server disconnect');
  });

  it('joins only my chats; a refused socket receives nothing of that chat', async () => {
    const owner = await userWithChat(c.t, {}, 'Owner');
    const intruder = await userWithChat(c.t, {}, 'Intruder');
    const ownerSocket = (await connect(owner.user.token)).socket;
    const intruderSocket = (await connect(intruder.user.token)).socket;
    expect(await request(ownerSocket, 'join_chat', { chat_id: owner.chatId })).toEqual({ ok: true, chat_id: owner.chatId });
    expect(await request(intruderSocket, 'join_chat', { chat_id: owner.chatId })).toEqual({ ok: false, detail: 'Chat not found' });

    const leaked: unknown[] = [];
    intruderSocket.onAny((event, payload) => leaked.push([event, payload]));
    const done = once(ownerSocket, 'message_done');
    await c.t.http().post('/api/messages').set(owner.user.auth).send({ chat_id: owner.chatId, content: 'secret' }).expect(201);
    await done;
    expect(leaked).toEqual([]);
  });

  it('relays typing to the other members, not to the sender, only from members, throttled', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Typing');
    const first = (await connect(user.token)).socket;
    const second = (await connect(user.token)).socket;
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

  it('streams a message sent over HTTP to the room, in order, ending with the stored message', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Live');
    c.sim.reply = () => 'one two three four five';
    c.sim.interTokenMs = 5;
    const socket = (await connect(user.token)).socket;
    await request(socket, 'join_chat', { chat_id: chatId });
    const created = once(socket, 'message_created');
    const tokens = collect(socket, 'message_token', (_t, all) => tokenSeqs(all).length === 5);
    const done = once(socket, 'message_done');
    const sent = await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'count' }).expect(201);
    expect((await created).assistant_message.id).toBe(sent.body.assistant_message.id);
    const received = await tokens;
    expect(tokenSeqs(received)).toEqual([1, 2, 3, 4, 5]);
    const final = (await done).message;
    expect(received.map((t) => t.delta).join('')).toBe(final.content);
    const stored = await c.t.app.get(DataSource).getRepository(Message).findOneByOrFail({ id: final.id });
    // The list adds the message's place among its siblings (message_created carried it).
    const listed = (await c.t.http().get(`/api/messages/chat/${chatId}`).set(user.auth)).body.items.at(-1);
    expect(JSON.parse(JSON.stringify({ ...final, sibling_index: 1, sibling_count: 1, sibling_ids: [final.id] }))).toEqual(listed);
    expect(stored.content).toBe('one two three four five');
  });

  it('sends, stops and resumes through the socket with the HTTP rules', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Socket send');
    c.sim.reply = () => Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    c.sim.interTokenMs = 20;
    const socket = (await connect(user.token)).socket;
    const sent = await requestOk(socket, 'send_message', { chat_id: chatId, content: 'go' });
    expect(sent.ok).toBe(true);
    const id = sent.assistant_message.id;
    await waitFor(() => c.t.app.get(DataSource).getRepository(Message).findOneByOrFail({ id }), (m) => m.content.length > 0);

    const resumed = await requestOk(socket, 'resume', { chat_id: chatId, after_seq: 0 });
    expect(resumed).toMatchObject({ ok: true, message_id: id });
    expect(resumed.replayed).toBeGreaterThan(0);

    const stopped = await requestOk(socket, 'stop_generation', { message_id: id });
    expect(stopped.ok).toBe(true);
    expect(stopped.message.status).toBe('stopped');

    const invalid = await requestRaw<{ ok: boolean; detail: { loc: string[] }[] }>(socket, 'send_message', { chat_id: chatId, content: '', is_admin: true });
    expect(invalid.ok).toBe(false);
    expect(invalid.detail.map((d) => d.loc[1]).sort()).toEqual(['content', 'is_admin']);
  });

  it('answers malformed payloads with error acks and keeps serving', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Malformed');
    const socket = (await connect(user.token)).socket;
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
  });
});
