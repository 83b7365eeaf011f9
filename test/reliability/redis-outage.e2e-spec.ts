import Redis from 'ioredis';
import type { Socket } from 'socket.io-client';
import { PUBLIC_AGENTS_CACHE_KEY } from '#agents';
import { memberOfCacheKey } from '#groups';
import { REDIS } from '#redis';
import { signUp } from '../support/auth';
import type { SignedIn } from '../support/auth';
import { userWithChat, waitFor } from '../support/chat-app';
import { LlmSimulator } from '../support/llm-simulator/llm-simulator';
import { canRunPrivateRedis, PrivateRedis } from '../support/private-redis';
import { connectSocket, once } from '../support/socket-client';
import { TcpLink } from '../support/tcp-link';
import { startApp, startTestApp, testEnvironment } from '../support/test-app';
import type { TestApp, TestEnvironment } from '../support/test-app';

// Needs a Redis of its own to cut off; runs where the suite runs against Redis (CI).
const describeWithRedis = canRunPrivateRedis ? describe : describe.skip;

const UNAVAILABLE = { detail: 'Service temporarily unavailable, try again in a few seconds' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithRedis('Redis outage', () => {
  let redis: PrivateRedis;
  let sim: LlmSimulator;
  let link: TcpLink;
  let inspect: Redis;
  let t: TestApp;
  let admin: SignedIn;
  const sockets: Socket[] = [];

  const ready = () => waitFor(() => t.http().get('/api/health/ready'), (response) => response.status === 200);
  const me = (token: string) => t.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`);
  const cachedSessions = () => inspect.keys(`${t.config.redisKeyPrefix}session:*-*`);

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    link = await TcpLink.open(redis.port);
    inspect = new Redis(redis.url);
    sim = await LlmSimulator.start();
    t = await startTestApp({ REDIS_URL: link.redisUrl, API_URL: sim.url, API_KEY: 'sim-key', API_MODEL: 'sim-chat' });
    admin = await signUp(t); // the first user is the admin
  });
  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.close());
    await link.restore();
    await ready();
  });
  afterAll(async () => {
    await t.close();
    await sim.close();
    inspect.disconnect();
    await link.cut();
    await redis.stop();
  });

  it('logs out during an outage without crashing, and the session stays dead once Redis is back with its data', async () => {
    const user = await signUp(t);
    const { socket } = await connectSocket(t.url, { auth: { token: user.token } });
    sockets.push(socket);
    await me(user.token).expect(200);
    const stale = await cachedSessions();
    expect(stale).toHaveLength(1);

    await link.cut();
    const disconnected = once(socket, 'disconnect');
    await t.http().post('/api/auth/logout').set(user.auth).expect(204);
    await disconnected;
    await me(user.token).expect(401);
    // Publishing the revocation to other instances used to reject ~1-2 s into the outage, unhandled: the process died.
    await sleep(3000);
    await t.http().get('/api/health').expect(200);

    await link.restore();
    await ready();
    expect(await cachedSessions()).toEqual(stale); // Redis came back still holding the live-looking entry
    await me(user.token).expect(401);
  });

  it('changes a password and deactivates a user during an outage; their other sessions stay dead after it', async () => {
    const user = await signUp(t);
    const other = await t.http().post('/api/auth/login').send({ email: (await me(user.token)).body.email, password: 'correct horse battery' });
    const victim = await signUp(t);
    for (const token of [other.body.access_token, victim.token]) await me(token).expect(200);

    await link.cut();
    await t.http().put('/api/auth/password').set(user.auth).send({ current_password: 'correct horse battery', new_password: 'another horse battery' }).expect(204);
    await t.http().patch(`/api/admin/users/${victim.id}`).set(admin.auth).send({ is_active: false }).expect(200);
    await sleep(3000);
    await t.http().get('/api/health').expect(200);

    await link.restore();
    await ready();
    await me(other.body.access_token).expect(401);
    await me(victim.token).expect(401);
    await me(user.token).expect(200);
  });

  it('answers login, send and a socket handshake with a 503 while Redis is cut off, never a 500', async () => {
    const { user, chatId } = await userWithChat(t, {}, 'Outage');
    const email = (await me(user.token)).body.email;
    await link.cut();

    const login = await t.http().post('/api/auth/login').send({ email, password: 'correct horse battery' }).expect(503);
    expect(login.body).toMatchObject(UNAVAILABLE);
    expect(login.headers['retry-after']).toBe('5');
    const send = await t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'hello' }).expect(503);
    expect(send.body).toMatchObject(UNAVAILABLE);
    await expect(connectSocket(t.url, { auth: { token: user.token } })).rejects.toMatchObject({
      message: UNAVAILABLE.detail,
      data: { status: 503 },
    });
  });

  it('answers 503 when Redis hangs instead of refusing (commands time out)', async () => {
    const user = await signUp(t);
    const email = (await me(user.token)).body.email;
    await inspect.call('CLIENT', 'PAUSE', '6000', 'ALL');
    try {
      expect((await t.http().post('/api/auth/login').send({ email, password: 'correct horse battery' })).body).toMatchObject(UNAVAILABLE);
    } finally {
      await inspect.call('CLIENT', 'UNPAUSE');
    }
  });

  it('reports Redis down on readiness, and keeps serving', async () => {
    await link.cut();
    const readiness = await t.http().get('/api/health/ready').expect(503);
    expect(readiness.body).toMatchObject({ detail: expect.stringContaining('redis down'), checks: { database: 'up', redis: 'down' } });
    await t.http().get('/api/health').expect(200);
  });

  describe('the public agent catalogue, cached in Redis', () => {
    const catalogue = async (user: SignedIn) =>
      ((await t.http().get('/api/agents').set(user.auth).expect(200)).body.items as { name: string }[]).map((agent) => agent.name);
    const cachedCatalogue = () => inspect.get(`${t.config.redisKeyPrefix}cache::${PUBLIC_AGENTS_CACHE_KEY}`);
    const publish = (user: SignedIn, name: string) => t.http().post('/api/agents').set(user.auth).send({ name, is_public: true }).expect(201);

    it('is served from the database while Redis is cut off or hangs, without piling up listeners', async () => {
      const user = await signUp(t);
      await publish(user, 'Always listed');
      expect(await catalogue(user)).toContain('Always listed');
      const client = t.app.get<Redis>(REDIS);
      const listeners = () => client.eventNames().reduce((sum, event) => sum + client.listenerCount(event), 0);

      await link.cut();
      const before = listeners();
      for (let i = 0; i < 50; i++) expect(await catalogue(user)).toContain('Always listed');
      expect(listeners()).toBe(before);
      await link.restore();
      await ready();

      // A network that hangs answers nothing (until afterEach restores it): reads time out and the database answers.
      link.stall();
      expect(await catalogue(user)).toContain('Always listed');
    });

    it('never lists an agent made private during an outage, although Redis comes back with the old catalogue', async () => {
      const user = await signUp(t);
      const agent = (await publish(user, 'Turned private')).body;
      expect(await catalogue(user)).toContain('Turned private');
      const stale = await cachedCatalogue();
      expect(stale).toContain('Turned private');

      await link.cut();
      await t.http().put(`/api/agents/${agent.id}`).set(user.auth).send({ is_public: false }).expect(200);
      expect(await catalogue(user)).not.toContain('Turned private');

      await link.restore();
      await ready();
      expect(await cachedCatalogue()).toBe(stale); // the invalidation never reached Redis
      // Read until the app has cached a catalogue again: no read on the way may serve the old one.
      await waitFor(async () => {
        expect(await catalogue(user)).not.toContain('Turned private');
        return cachedCatalogue();
      }, (cached) => cached !== stale);
      expect(await catalogue(user)).not.toContain('Turned private');
    });

    it("never lists a group's agent to a member removed during an outage, although Redis comes back with their old groups", async () => {
      const [owner, member] = [await signUp(t), await signUp(t)];
      const group = (await t.http().post('/api/admin/groups').set(admin.auth).send({ name: `Outage ${member.id}` }).expect(201)).body.id;
      for (const user of [owner, member]) await t.http().put(`/api/admin/groups/${group}/members/${user.id}`).set(admin.auth).expect(204);
      await t.http().post('/api/agents').set(owner.auth).send({ name: 'Shared in an outage', visibility: 'groups', group_ids: [group] }).expect(201);
      expect(await catalogue(member)).toContain('Shared in an outage');
      const cachedGroups = () => inspect.get(`${t.config.redisKeyPrefix}cache::${memberOfCacheKey(member.id)}`);
      const stale = await cachedGroups();
      expect(stale).toContain(`[${group}]`);

      await link.cut();
      await t.http().delete(`/api/admin/groups/${group}/members/${member.id}`).set(admin.auth).expect(204);
      expect(await catalogue(member)).not.toContain('Shared in an outage');

      await link.restore();
      await ready();
      expect(await cachedGroups()).toBe(stale); // the invalidation never reached Redis
      await waitFor(async () => {
        expect(await catalogue(member)).not.toContain('Shared in an outage');
        return cachedGroups();
      }, (cached) => cached !== stale);
      expect(await catalogue(member)).not.toContain('Shared in an outage');
    });
  });
});

describeWithRedis('Sockets per user, and at session expiry', () => {
  let environment: TestEnvironment;
  let a: Omit<TestApp, 'close'>;
  let b: Omit<TestApp, 'close'>;
  const sockets: Socket[] = [];
  const open = async (url: string, token: string) => {
    const { socket } = await connectSocket(url, { auth: { token } });
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    environment = await testEnvironment({ MAX_SOCKETS_PER_USER: '3' });
    a = await startApp(environment.env);
    b = await startApp(environment.env);
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await a.stop();
    await b.stop();
    await environment.dispose();
  });

  it('refuses a socket beyond MAX_SOCKETS_PER_USER across two instances, and frees the slot when one closes', async () => {
    const user = await signUp({ ...a, close: async () => undefined });
    const first = await open(a.url, user.token);
    await open(a.url, user.token);
    await open(b.url, user.token);
    for (const url of [a.url, b.url]) {
      await expect(connectSocket(url, { auth: { token: user.token } })).rejects.toMatchObject({
        message: 'Too many open connections: at most 3 per user; close another tab or connection',
        data: { status: 429 },
      });
    }
    const someoneElse = await signUp({ ...a, close: async () => undefined });
    await open(b.url, someoneElse.token);

    first.close();
    const reopened = await waitFor(
      () => connectSocket(b.url, { auth: { token: user.token } }).then(({ socket }) => socket, () => undefined),
      (socket) => socket !== undefined,
    );
    sockets.push(reopened!);
  });

  it('disconnects a socket when its session expires, not at the next 30 s sweep', async () => {
    const short = await startTestApp({ JWT_EXPIRES_IN: '4s' });
    try {
      const user = await signUp(short);
      const socket = await open(short.url, user.token);
      expect(await once(socket, 'disconnect', 15_000)).toBe('io server disconnect');
    } finally {
      await short.close();
    }
  });
});
