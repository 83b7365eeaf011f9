import { signUp, SignedIn } from '../support/auth';
import { startTestApp, TestApp } from '../support/test-app';

describe('Admin: users and sessions', () => {
  let t: TestApp;
  let admin: SignedIn;
  let alice: SignedIn;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: 'root@example.org', ADMIN_TRIGRAMME: 'ROO', ADMIN_PASSWORD: 'bootstrap password' });
    const login = await t.http().post('/api/auth/login').send({ email: 'root@example.org', password: 'bootstrap password' }).expect(200);
    admin = { id: login.body.user.id, token: login.body.access_token, auth: { Authorization: `Bearer ${login.body.access_token}` } };
    alice = await signUp(t, { email: 'alice@example.org', trigramme: 'ALI' });
  });
  afterAll(() => t.close());

  it('bootstraps the configured admin, so later sign-ups are not admins', async () => {
    expect((await t.http().get('/api/auth/me').set(admin.auth).expect(200)).body.is_admin).toBe(true);
    expect((await t.http().get('/api/auth/me').set(alice.auth).expect(200)).body.is_admin).toBe(false);
  });

  it('refuses every admin route to non-admins (403) and to anonymous callers (401)', async () => {
    const routes: ['get' | 'patch' | 'delete' | 'post', string][] = [
      ['get', '/api/admin/users'],
      ['get', `/api/admin/users/${admin.id}`],
      ['patch', `/api/admin/users/${admin.id}`],
      ['delete', `/api/admin/users/${admin.id}`],
      ['post', `/api/admin/users/${admin.id}/revoke-sessions`],
    ];
    for (const [method, path] of routes) {
      const asUser = await t.http()[method](path).set(alice.auth).send({});
      expect([method, path, asUser.status]).toEqual([method, path, 403]);
      const anonymous = await t.http()[method](path).send({});
      expect([method, path, anonymous.status]).toEqual([method, path, 401]);
    }
  });

  it('lists users with search and pagination', async () => {
    const first = await t.http().get('/api/admin/users?limit=1').set(admin.auth).expect(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.next_before).toBe(first.body.items[0].id);
    const second = await t.http().get(`/api/admin/users?limit=1&before=${first.body.next_before}`).set(admin.auth).expect(200);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: expect.any(Number) })], next_before: null });
    expect(second.body.items[0].id).toBeLessThan(first.body.items[0].id);
    const found = await t.http().get('/api/admin/users?q=ali').set(admin.auth).expect(200);
    expect(found.body.items.map((u: { email: string }) => u.email)).toEqual(['alice@example.org']);
    expect(found.body.items[0]).not.toHaveProperty('hashed_password');
    await t.http().get('/api/admin/users?limit=1000').set(admin.auth).expect(422);
    await t.http().get('/api/admin/users/999999').set(admin.auth).expect(404);
  });

  it('deactivating a user revokes their sessions at once; reactivating lets them log in', async () => {
    const bob = await signUp(t, { email: 'bob@example.org', trigramme: 'BOB' });
    await t.http().patch(`/api/admin/users/${bob.id}`).set(admin.auth).send({ is_active: false }).expect(200);
    await t.http().get('/api/auth/me').set(bob.auth).expect(401);
    const login = await t.http().post('/api/auth/login').send({ email: 'bob@example.org', password: 'correct horse battery' }).expect(403);
    expect(login.body).toEqual({ detail: 'This account is deactivated' });
    await t.http().patch(`/api/admin/users/${bob.id}`).set(admin.auth).send({ is_active: true }).expect(200);
    await t.http().post('/api/auth/login').send({ email: 'bob@example.org', password: 'correct horse battery' }).expect(200);
  });

  it('promotes, revokes sessions and deletes users', async () => {
    const carol = await signUp(t, { email: 'carol@example.org', trigramme: 'CAR' });
    const promoted = await t.http().patch(`/api/admin/users/${carol.id}`).set(admin.auth).send({ is_admin: true }).expect(200);
    expect(promoted.body.is_admin).toBe(true);
    await t.http().get('/api/admin/users').set(carol.auth).expect(200);
    const revoked = await t.http().post(`/api/admin/users/${carol.id}/revoke-sessions`).set(admin.auth).expect(200);
    expect(revoked.body).toEqual({ revoked: 1 });
    await t.http().get('/api/auth/me').set(carol.auth).expect(401);
    await t.http().delete(`/api/admin/users/${carol.id}`).set(admin.auth).expect(204);
    await t.http().get(`/api/admin/users/${carol.id}`).set(admin.auth).expect(404);
    await t.http().patch(`/api/admin/users/${admin.id}`).set(admin.auth).send({ is_superuser: true }).expect(422);

    // A deleted user's live token stops working at once.
    const dave = await signUp(t, { email: 'dave@example.org', trigramme: 'DAV' });
    await t.http().get('/api/auth/me').set(dave.auth).expect(200);
    await t.http().delete(`/api/admin/users/${dave.id}`).set(admin.auth).expect(204);
    await t.http().get('/api/auth/me').set(dave.auth).expect(401);
  });

  it('never removes the last active admin', async () => {
    for (const body of [{ is_admin: false }, { is_active: false }]) {
      const response = await t.http().patch(`/api/admin/users/${admin.id}`).set(admin.auth).send(body).expect(409);
      expect(response.body.detail).toMatch(/last active admin/);
    }
    await t.http().delete(`/api/admin/users/${admin.id}`).set(admin.auth).expect(409);
    expect((await t.http().get('/api/auth/me').set(admin.auth).expect(200)).body.is_admin).toBe(true);
  });
});
