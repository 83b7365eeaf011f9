import { ApiKeyAuthenticator } from '#api-keys';
import { UnauthorizedError } from '#common';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, startChatApp } from '../support/chat-app';
import { connectSocket } from '../support/socket-client';
import { startApp, testEnvironment, TestEnvironment } from '../support/test-app';
import type { TestApp } from '../support/test-app';

const ONLY_ON_V1 = 'API keys are accepted only on the OpenAI-compatible routes under /v1';

/** Every key of a JSON value, at any depth. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
  return [];
}

describe('Personal API keys: make, list, revoke, scope, admin switch', () => {
  let c: ChatApp;
  let admin: SignedIn;
  let alice: SignedIn;
  let bob: SignedIn;
  let aliceAgent: number;
  let bobAgent: number;

  const http = () => c.t.http();
  const create = (user: SignedIn, body: object) => http().post('/api/api-keys').set(user.auth).send(body);
  const authenticate = (token: string | undefined) => c.t.app.get(ApiKeyAuthenticator).authenticate(token);
  const setEnabled = (enabled: boolean) => http().put('/api/admin/api-keys/settings').set(admin.auth).send({ enabled }).expect(200);

  beforeAll(async () => {
    c = await startChatApp();
    admin = await signUp(c.t);
    alice = await signUp(c.t);
    bob = await signUp(c.t);
    aliceAgent = (await http().post('/api/agents').set(alice.auth).send({ name: 'Alice private' }).expect(201)).body.id;
    bobAgent = (await http().post('/api/agents').set(bob.auth).send({ name: 'Bob private' }).expect(201)).body.id;
  });
  afterAll(() => c.close());

  it('shows the token once, lists keys without token or hash, and the token authenticates as its user', async () => {
    const created = await create(alice, { name: ' CI ', agent_ids: [aliceAgent], access: 'read', expires_in_days: 30 }).expect(201);
    const { token, ...fields } = created.body;
    expect(token).toMatch(/^fgk_[A-Za-z0-9_-]{43}$/);
    expect(fields).toMatchObject({ name: 'CI', prefix: token.slice(0, 12), agent_ids: [aliceAgent], access: 'read', last_used_at: null, revoked_at: null });
    expect(new Date(fields.expires_at).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    const principal = await authenticate(token);
    expect(principal).toEqual({
      user: { id: alice.id, email: expect.any(String), trigramme: expect.any(String), is_admin: false },
      key: { id: fields.id, name: 'CI', agent_ids: [aliceAgent], access: 'read' },
    });

    const list = await http().get('/api/api-keys').set(alice.auth).expect(200);
    const listed = list.body.items.find((key: { id: number }) => key.id === fields.id);
    expect(listed).toEqual({ ...fields, last_used_at: expect.any(String) }); // set by the use above
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(keysOf(list.body)).not.toEqual(expect.arrayContaining(['token']));
    expect(keysOf(list.body)).not.toEqual(expect.arrayContaining(['token_hash']));
    expect(list.body.next_before).toBeNull();
  });

  it('pages my keys newest first and never shows another user theirs', async () => {
    const ids = [];
    for (const name of ['one', 'two', 'three']) ids.push((await create(bob, { name }).expect(201)).body.id);
    const first = await http().get('/api/api-keys?limit=2').set(bob.auth).expect(200);
    expect(first.body.items.map((key: { id: number }) => key.id)).toEqual([ids[2], ids[1]]);
    const second = await http().get(`/api/api-keys?limit=2&before=${first.body.next_before}`).set(bob.auth).expect(200);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0], access: 'chat', agent_ids: null, expires_at: null })], next_before: null });
    const mine = await http().get('/api/api-keys?limit=100').set(alice.auth).expect(200);
    expect(mine.body.items.map((key: { id: number }) => key.id)).not.toEqual(expect.arrayContaining([ids[0]]));
  });

  it('revokes a key at once (listed as revoked); another user revoking it gets 404', async () => {
    const { id, token } = (await create(alice, { name: 'to revoke' }).expect(201)).body;
    await authenticate(token); // cached now: the revocation must drop it
    await http().delete(`/api/api-keys/${id}`).set(bob.auth).expect(404);
    await expect(authenticate(token)).resolves.toMatchObject({ key: { id } });

    await http().delete(`/api/api-keys/${id}`).set(alice.auth).expect(204);
    await expect(authenticate(token)).rejects.toThrow('Invalid or revoked API key');
    await http().delete(`/api/api-keys/${id}`).set(alice.auth).expect(204);
    const list = await http().get('/api/api-keys?limit=100').set(alice.auth).expect(200);
    expect(list.body.items.find((key: { id: number }) => key.id === id).revoked_at).not.toBeNull();
  });

  it('refuses unknown and malformed keys without echoing them', async () => {
    for (const token of [undefined, 'fgk_nope', `fgk_${'A'.repeat(43)}`]) {
      const error = await authenticate(token).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnauthorizedError);
      if (token) expect((error as Error).message).not.toContain(token);
    }
  });

  it('scopes a key only to agents its user may use, without telling which ids exist (422)', async () => {
    const foreign = await create(alice, { name: 'x', agent_ids: [bobAgent] }).expect(422);
    const missing = await create(alice, { name: 'x', agent_ids: [999_999] }).expect(422);
    expect(foreign.body.detail).toEqual(missing.body.detail);
    expect(foreign.body.detail[0].loc).toEqual(['body', 'agent_ids']);
    // The admin may use every agent, so may scope a key to Bob's.
    await create(admin, { name: 'ok', agent_ids: [bobAgent] }).expect(201);
  });

  it('validates the name, the expiry and the access', async () => {
    await create(alice, {}).expect(422);
    await create(alice, { name: '   ' }).expect(422);
    await create(alice, { name: 'x'.repeat(101) }).expect(422);
    await create(alice, { name: 'x', expires_at: new Date(Date.now() - 1000).toISOString() }).expect(422);
    await create(alice, { name: 'x', expires_at: new Date(Date.now() + 86_400_000).toISOString(), expires_in_days: 1 }).expect(422);
    await create(alice, { name: 'x', access: 'admin' }).expect(422);
    const atHour = new Date(Date.now() + 3_600_000).toISOString();
    expect((await create(alice, { name: 'x', expires_at: atHour }).expect(201)).body.expires_at).toBe(atHour);
  });

  it('refuses a key on the web routes and the socket; a session token still works', async () => {
    const { token } = (await create(alice, { name: 'web' }).expect(201)).body;
    const refused = await http().get('/api/chats').set({ Authorization: `Bearer ${token}` }).expect(401);
    expect(refused.body.detail).toBe(ONLY_ON_V1);
    await http().get('/api/chats').set(alice.auth).expect(200);
    await expect(connectSocket(c.t.url, { auth: { token } })).rejects.toThrow(ONLY_ON_V1);
    const { socket } = await connectSocket(c.t.url, { auth: { token: alice.token } });
    socket.close();
  });

  it("admins list everyone's keys (by user, with emails) and revoke anyone's; others get 403", async () => {
    const { id, token } = (await create(bob, { name: 'bob admin-visible' }).expect(201)).body;
    await http().get('/api/admin/api-keys').set(alice.auth).expect(403);
    await http().delete(`/api/admin/api-keys/${id}`).set(alice.auth).expect(403);
    await http().get('/api/admin/api-keys/settings').set(alice.auth).expect(403);
    await http().put('/api/admin/api-keys/settings').set(alice.auth).send({ enabled: false }).expect(403);

    const all = await http().get('/api/admin/api-keys?limit=100').set(admin.auth).expect(200);
    const owners = new Set(all.body.items.map((key: { user_id: number }) => key.user_id));
    expect(owners).toEqual(new Set([admin.id, alice.id, bob.id]));
    const bobs = await http().get(`/api/admin/api-keys?user_id=${bob.id}&limit=100`).set(admin.auth).expect(200);
    expect(bobs.body.items.every((key: { user_id: number }) => key.user_id === bob.id)).toBe(true);
    expect(bobs.body.items[0]).toMatchObject({ id, user_email: expect.stringContaining('@'), name: 'bob admin-visible' });
    expect(keysOf(bobs.body)).not.toEqual(expect.arrayContaining(['token_hash']));

    await authenticate(token);
    await http().delete(`/api/admin/api-keys/${id}`).set(admin.auth).expect(204);
    await expect(authenticate(token)).rejects.toThrow('Invalid or revoked API key');
    await http().delete('/api/admin/api-keys/999999').set(admin.auth).expect(404);

    const audit = await http().get('/api/admin/audit?action=apikey.&limit=100').set(admin.auth).expect(200);
    const revoked = audit.body.items.find((event: { action: string; target_id: string }) => event.action === 'apikey.revoke' && event.target_id === String(id));
    expect(revoked).toMatchObject({ actor_id: admin.id });
    expect(audit.body.items.some((event: { action: string }) => event.action === 'apikey.create')).toBe(true);
    expect(JSON.stringify(audit.body)).not.toContain(token);
  });

  it('an admin switch turns keys off (none made, every key refused with 403) and back on', async () => {
    const { token } = (await create(alice, { name: 'switch' }).expect(201)).body;
    await authenticate(token);
    expect((await http().get('/api/admin/api-keys/settings').set(admin.auth).expect(200)).body).toEqual({ enabled: true });

    expect((await setEnabled(false)).body).toEqual({ enabled: false });
    expect((await http().get('/api/admin/api-keys/settings').set(admin.auth).expect(200)).body).toEqual({ enabled: false });
    const refused = await create(alice, { name: 'while off' }).expect(403);
    expect(refused.body.detail).toMatch(/disabled by an administrator/);
    await expect(authenticate(token)).rejects.toThrow('API keys are disabled by an administrator');
    await http().put('/api/admin/api-keys/settings').set(admin.auth).send({ enabled: 'no' }).expect(422);

    await setEnabled(true);
    await expect(authenticate(token)).resolves.toMatchObject({ user: { id: alice.id } });
    const audit = await http().get('/api/admin/audit?action=apikey.settings').set(admin.auth).expect(200);
    expect(audit.body.items.map((event: { details: unknown }) => event.details)).toEqual([{ enabled: true }, { enabled: false }]);
  });

  it('deactivating a user revokes their keys at once; a role change shows at once; deleting them drops the keys', async () => {
    const carol = await signUp(c.t);
    const { id, token } = (await create(carol, { name: 'carol' }).expect(201)).body;
    await authenticate(token);
    await http().patch(`/api/admin/users/${carol.id}`).set(admin.auth).send({ is_admin: true }).expect(200);
    await expect(authenticate(token)).resolves.toMatchObject({ user: { is_admin: true } });

    await http().patch(`/api/admin/users/${carol.id}`).set(admin.auth).send({ is_active: false }).expect(200);
    await expect(authenticate(token)).rejects.toThrow('Invalid or revoked API key');
    const listed = await http().get(`/api/admin/api-keys?user_id=${carol.id}`).set(admin.auth).expect(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id, revoked_at: expect.any(String) })]);
    // Active again, the key stays revoked.
    await http().patch(`/api/admin/users/${carol.id}`).set(admin.auth).send({ is_active: true }).expect(200);
    await expect(authenticate(token)).rejects.toThrow('Invalid or revoked API key');

    const dave = await signUp(c.t);
    const daves = (await create(dave, { name: 'dave' }).expect(201)).body.token;
    await authenticate(daves);
    await http().delete(`/api/admin/users/${dave.id}`).set(admin.auth).expect(204);
    await expect(authenticate(daves)).rejects.toThrow('Invalid or revoked API key');
  });
});

// Two instances need a shared database server and Redis: runs where the suite does (CI).
const shared = process.env.TEST_DATABASE_URL && process.env.REDIS_URL;
const describeShared = shared ? describe : describe.skip;

describeShared('API keys across two instances sharing PostgreSQL and Redis', () => {
  let environment: TestEnvironment;
  let a: Omit<TestApp, 'close'>;
  let b: Omit<TestApp, 'close'>;

  beforeAll(async () => {
    environment = await testEnvironment();
    a = await startApp(environment.env);
    b = await startApp(environment.env);
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
    await environment.dispose();
  });

  it('a key revoked, or keys switched off, on one instance are refused by the other at once', async () => {
    const admin = await signUp({ ...a, close: async () => undefined });
    const user = await signUp({ ...a, close: async () => undefined });
    const onB = (token: string) => b.app.get(ApiKeyAuthenticator).authenticate(token);
    const { id, token } = (await a.http().post('/api/api-keys').set(user.auth).send({ name: 'cluster' }).expect(201)).body;
    const other = (await a.http().post('/api/api-keys').set(user.auth).send({ name: 'other' }).expect(201)).body.token;
    await expect(onB(token)).resolves.toMatchObject({ key: { id } }); // cached on B's side now

    await a.http().delete(`/api/api-keys/${id}`).set(user.auth).expect(204);
    await expect(onB(token)).rejects.toThrow('Invalid or revoked API key');

    await expect(onB(other)).resolves.toMatchObject({ user: { id: user.id } });
    await a.http().put('/api/admin/api-keys/settings').set(admin.auth).send({ enabled: false }).expect(200);
    await expect(onB(other)).rejects.toThrow('API keys are disabled by an administrator');
    await a.http().put('/api/admin/api-keys/settings').set(admin.auth).send({ enabled: true }).expect(200);
    await expect(onB(other)).resolves.toMatchObject({ user: { id: user.id } });
  });
});
