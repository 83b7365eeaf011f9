import { sign } from 'jsonwebtoken';
import type { Socket } from 'socket.io-client';
import { signUp, SignedIn } from '../support/auth';
import { userWithChat } from '../support/chat-app';
import { HostileResults, runHostileClients } from '../support/hostile-clients';
import { connectSocket, once, request } from '../support/socket-client';
import { startTestApp, TestApp } from '../support/test-app';

const INT4_MAX = 2 ** 31 - 1;

/** `{"k0":"","k1":"",…}`: ~770 KB for 50,000 keys, the body that used to freeze the API for seconds. */
const manyKeys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, '']));
/** `{"a":{"a":…}}` nested `depth` times, as raw JSON. */
const deepJson = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const rawJson = (text: string) => ({ 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
/** An event's packet text, sent as is: socket.io-client's own encoder would walk a deep payload recursively. */
const sendRawEvent = (socket: Socket, event: string, payloadJson: string) => socket.io.engine.send(`2["${event}",${payloadJson}]`);

describe('Hostile request input', () => {
  let t: TestApp;
  let admin: SignedIn;
  let chatId: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t);
    const agent = await t.http().post('/api/agents').set(admin.auth).send({ name: 'Assistant' }).expect(201);
    chatId = (await t.http().post('/api/chats').set(admin.auth).send({ agent_id: agent.body.id }).expect(201)).body.id;
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await t.close();
  });

  async function connect(): Promise<Socket> {
    const { socket } = await connectSocket(t.url, { auth: { token: admin.token } });
    sockets.push(socket);
    return socket;
  }

  describe('body shape, checked before authentication and before the DTO', () => {
    it('rejects a login body of 50,000 keys with 413 naming the limit', async () => {
      const response = await t.http().post('/api/auth/login').send({ ...manyKeys(50_000), password: 'x' }).expect(413);
      expect(response.body).toEqual({ detail: 'Request body has more than 500 values (fields and array items)' });
    });

    it('rejects 10,000-deep nesting with 413, not a 500 from a stack overflow', async () => {
      const response = await t.http().post('/api/auth/login').set(rawJson(deepJson(10_000))).send(deepJson(10_000)).expect(413);
      expect(response.body.detail).toMatch(/nested deeper than \d+ levels/);
    });

    it('rejects a huge array before validation counts it', async () => {
      const body = { chat_id: chatId, content: 'hi', document_ids: Array.from({ length: 200_000 }, () => 1) };
      const response = await t.http().post('/api/messages').send(body).expect(413);
      expect(response.body.detail).toMatch(/has more than 500 values/);
    });

    it('limits the fields of a form body the same way', async () => {
      const form = new URLSearchParams({ ...manyKeys(600), username: 'a', password: 'b' }).toString();
      const response = await t.http().post('/api/auth/login').type('form').send(form).expect(413);
      expect(response.body).toEqual({ detail: 'Request body has too many form fields' });
    });

    it('still accepts the OAuth2 login form', async () => {
      await t.http().post('/api/auth/login').type('form').send({ username: 'nobody@example.org', password: 'wrong password' }).expect(401);
    });
  });

  describe('validation messages', () => {
    it('asks for JSON when a JSON route gets a form, without echoing the body', async () => {
      const secret = 'hunter2-very-secret';
      const response = await t
        .http()
        .post('/api/auth/register')
        .type('form')
        .send(JSON.stringify({ email: 'form@example.org', trigramme: 'FRM', password: secret }))
        .expect(422);
      expect(response.body).toEqual({ detail: [{ loc: ['body'], msg: 'body must be a JSON object: send it with Content-Type: application/json' }] });
      expect(JSON.stringify(response.body)).not.toContain(secret);
    });

    it('never echoes a field name that is not a plain identifier', async () => {
      const secret = 'password=hunter2-very-secret';
      const response = await t.http().post('/api/auth/register').send({ [secret]: 1 }).expect(422);
      expect(JSON.stringify(response.body)).not.toContain('hunter2');
      expect(response.body.detail).toContainEqual({ loc: ['body'], msg: 'body has a field that should not exist' });
    });

    it('says "required" for a missing field, once', async () => {
      const response = await t.http().post('/api/auth/register').send({ trigramme: 'REQ', password: 'long enough' }).expect(422);
      expect(response.body.detail).toEqual([{ loc: ['body', 'email'], msg: 'email is required' }]);
    });

    it('says "must be an integer" for a numeric string, not a range', async () => {
      const response = await t.http().post('/api/messages').set(admin.auth).send({ chat_id: '1', content: 'hi' }).expect(422);
      expect(response.body.detail).toEqual([{ loc: ['body', 'chat_id'], msg: 'chat_id must be an integer' }]);
    });
  });

  describe('integers past their column answer 422, never 500', () => {
    const tooBig = String(INT4_MAX + 1);

    it.each([
      ['/api/chats?before=', 'before'],
      ['/api/messages/chat/1?before=', 'before'],
      ['/api/chats/1?before=', 'before'],
      ['/api/admin/users?before=', 'before'],
      ['/api/agents/my?before=', 'before'],
    ])('%s', async (path, field) => {
      const response = await t.http().get(`${path}${tooBig}`).set(admin.auth).expect(422);
      expect(response.body.detail).toEqual([{ loc: ['query', field], msg: `${field} must not be greater than ${INT4_MAX}` }]);
    });

    it('in bodies: chat_id, agent_id and document_ids', async () => {
      const ids = { chat_id: INT4_MAX + 1, content: 'hi' };
      expect((await t.http().post('/api/messages').set(admin.auth).send(ids).expect(422)).body.detail[0].loc).toEqual(['body', 'chat_id']);
      const docs = { chat_id: chatId, content: 'hi', document_ids: [1e20] };
      expect((await t.http().post('/api/messages').set(admin.auth).send(docs).expect(422)).body.detail[0].loc).toEqual(['body', 'document_ids']);
      await t.http().post('/api/chats').set(admin.auth).send({ agent_id: 1e15 }).expect(422);
    });

    it('in the Last-Event-ID of an answer stream', async () => {
      const response = await t.http().get(`/api/messages/stream/${chatId}`).set(admin.auth).set('Last-Event-ID', '1:1e400').expect(422);
      expect(response.body.detail).toEqual([{ loc: ['header', 'Last-Event-ID'], msg: 'Last-Event-ID must be <message_id>:<seq>' }]);
      await t.http().get(`/api/messages/stream/${chatId}?last_event_id=1:99999999999999999999999`).set(admin.auth).expect(422);
    });
  });

  describe('invalid text answers 422 wherever it is sent', () => {
    it.each([
      ['a NUL byte', 'Ass\u0000istant'],
      ['a lone surrogate', 'Ass\ud800istant'],
    ])('%s in a body field', async (_kind, name) => {
      const response = await t.http().post('/api/agents').set(admin.auth).send({ name }).expect(422);
      expect(response.body.detail).toEqual([{ loc: ['body', 'name'], msg: 'name must be valid text (no NUL character or unpaired surrogate)' }]);
    });

    it('in a query string and before authentication', async () => {
      const search = await t.http().get('/api/chats?q=a%00b').set(admin.auth).expect(422);
      expect(search.body.detail[0].loc).toEqual(['query', 'q']);
      await t.http().post('/api/auth/login').send({ email: 'a\u0000@example.org', password: 'x' }).expect(422);
    });
  });

  it('refuses a correctly signed token whose sid is not a UUID with 401', async () => {
    const token = sign({ sub: String(admin.id), sid: 'not-a-uuid\u0000' }, t.config.auth.jwtSecret!, { algorithm: 'HS256', expiresIn: 60 });
    const response = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
    expect(response.body).toEqual({ detail: 'Could not validate credentials' });
  });

  it('keeps /api/health answering while hostile bodies and socket events keep coming', async () => {
    let attacking = true;
    const probes: { status: number; ms: number }[] = [];
    const probe = async () => {
      while (attacking) {
        const start = performance.now();
        const response = await fetch(`${t.url}/api/health`);
        probes.push({ status: response.status, ms: performance.now() - start });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const probing = probe();
    let results: HostileResults;
    try {
      results = await runHostileClients({ url: t.url, token: admin.token, chatId, httpClients: 3, socketClients: 2, rounds: 5 });
    } finally {
      attacking = false;
      await probing;
    }

    const maxMs = Math.max(...probes.map((p) => p.ms));
    console.log(`hostile-input run: ${probes.length} health probes, max ${maxMs.toFixed(0)} ms; ${results.statuses.length} bodies, ${results.acks.length + results.disconnects.length} events`);
    expect(results.statuses).toHaveLength(3 * 5 * 6);
    expect(results.statuses.filter((status) => status < 400 || status >= 500)).toEqual([]);
    expect(results.acks).toEqual(Array(2 * 5 * 3).fill({ ok: false, detail: expect.anything() }));
    expect(results.disconnects).toEqual(Array(2 * 5 * 3).fill('transport close'));
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.filter((p) => p.status !== 200)).toEqual([]);
    // Very generous (the machine is shared); the old freeze held every probe for seconds.
    expect(maxMs).toBeLessThan(2000);
    await t.http().post('/api/auth/login').send({ email: 'nobody@example.org', password: 'wrong password' }).expect(401);
    expect(await request(await connect(), 'join_chat', { chat_id: chatId })).toEqual({ ok: true, chat_id: chatId });
  });

  describe('socket events', () => {
    it('answer hostile payloads with an error ack and keep the socket usable', async () => {
      const socket = await connect();
      const outOfRange = await request(socket, 'send_message', { chat_id: INT4_MAX + 1, content: 'hi' });
      expect(outOfRange).toEqual({ ok: false, detail: [{ loc: ['body', 'chat_id'], msg: `chat_id must not be greater than ${INT4_MAX}` }] });
      const nul = await request(socket, 'send_message', { chat_id: chatId, content: 'a\u0000b' });
      expect(nul).toEqual({ ok: false, detail: [{ loc: ['body', 'content'], msg: expect.stringMatching(/valid text/) }] });
      expect(await request(socket, 'resume', { chat_id: chatId, after_seq: 1e20 })).toEqual({
        ok: false,
        detail: `after_seq must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}`,
      });
      expect(await request(socket, 'join_chat', { chat_id: chatId })).toEqual({ ok: true, chat_id: chatId });
    });

    it.each([
      ['50,000 keys', JSON.stringify(manyKeys(50_000))],
      ['10,000-deep nesting', deepJson(10_000)],
      ['one level too deep', deepJson(17)],
    ])('close the connection that sends an event of %s, unparsed, and only that one', async (_kind, payloadJson) => {
      const hostile = await connect();
      const sibling = await connect();
      const other = await userWithChat(t);
      const { socket: otherSocket } = await connectSocket(t.url, { auth: { token: other.user.token } });
      sockets.push(otherSocket);
      const closed = once(hostile, 'disconnect');
      sendRawEvent(hostile, 'send_message', payloadJson);
      // The server closed the connection: no error ack, which parsing and validating would have sent.
      expect(await closed).toBe('transport close');
      expect(await request(sibling, 'join_chat', { chat_id: chatId })).toEqual({ ok: true, chat_id: chatId });
      expect(await request(otherSocket, 'join_chat', { chat_id: other.chatId })).toEqual({ ok: true, chat_id: other.chatId });
    });

    it('read packets up to MAX_JSON_BODY_KB (not the 1 MB socket.io default) and close a connection past it', async () => {
      const socket = await connect();
      const justUnder = 'x'.repeat(t.config.limits.requestBodyBytes - 100);
      expect(await request(socket, 'send_message', { chat_id: chatId, content: justUnder })).toEqual({
        ok: false,
        detail: [{ loc: ['body', 'content'], msg: expect.stringMatching(/content must/) }],
      });
      const closed = once(socket, 'disconnect');
      socket.emit('send_message', { chat_id: chatId, content: 'x'.repeat(t.config.limits.requestBodyBytes) });
      expect(await closed).toBe('transport close');
    });
  });
});
