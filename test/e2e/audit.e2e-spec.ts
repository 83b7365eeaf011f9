import { DataSource } from 'typeorm';
import { AuditRetentionJob } from '#audit';
import { AuditRepository } from '#database';
import type { SignedIn } from '../support/auth';
import { startTestApp, TestApp } from '../support/test-app';

interface AuditRecord {
  id: number;
  created_at: string;
  actor_id: number | null;
  actor_label: string | null;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown> | null;
}

const AGENT = 'audit-e2e/1.0 (custom user agent)';
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new secret phrase';
const WRONG_PASSWORD = 'wrong guess of a password';
const UNKNOWN_LOGIN = 'nobody-typed-this@example.org';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const LOCAL_IP = expect.stringMatching(/127\.0\.0\.1$/);

describe('Audit log: what is recorded, reading it, retention', () => {
  let t: TestApp;
  let admin: SignedIn;
  let alice: SignedIn;
  const http = () => t.http();
  const tokens: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      ADMIN_EMAIL: 'root@example.org',
      ADMIN_TRIGRAMME: 'ROO',
      ADMIN_PASSWORD: 'bootstrap password',
      LOGIN_RATE_LIMIT: '1000',
    });
    const login = await http().post('/api/auth/login').set('User-Agent', AGENT).send({ email: 'root@example.org', password: 'bootstrap password' }).expect(200);
    admin = { id: login.body.user.id, token: login.body.access_token, auth: { Authorization: `Bearer ${login.body.access_token}` } };
    tokens.push(admin.token);
  });
  afterAll(() => t.close());

  /** Every record matching `query`, newest first, read page by page as an admin. */
  async function audit(query: Record<string, string | number> = {}, limit = 200): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    let before: number | null = null;
    do {
      const page: { body: { items: AuditRecord[]; next_before: number | null } } = await http().get('/api/admin/audit').set(admin.auth).query({ ...query, limit, ...(before ? { before } : {}) }).expect(200);
      records.push(...page.body.items);
      before = page.body.next_before;
    } while (before);
    return records;
  }

  /** The newest record of `action` about `target_id`. */
  async function last(action: string, targetId?: number | string): Promise<AuditRecord | undefined> {
    const [record] = await audit({ action, ...(targetId !== undefined ? { target_id: String(targetId) } : {}) }, 1);
    return record;
  }

  async function register(email: string, trigramme: string): Promise<SignedIn> {
    const registered = await http().post('/api/auth/register').set('User-Agent', AGENT).send({ email, trigramme, password: PASSWORD }).expect(201);
    const login = await http().post('/api/auth/login').set('User-Agent', AGENT).send({ email, password: PASSWORD }).expect(200);
    tokens.push(login.body.access_token);
    return { id: registered.body.id, token: login.body.access_token, auth: { Authorization: `Bearer ${login.body.access_token}` } };
  }

  it('records the admin created from the configuration, with no actor', async () => {
    expect(await last('user.create', admin.id)).toMatchObject({
      actor_id: null,
      outcome: 'success',
      target_type: 'user',
      target_label: 'root@example.org',
      details: { is_admin: true },
    });
  });

  it('records registration and logins, successful or not, with IP and user agent; an unknown account leaves no identifier', async () => {
    alice = await register('alice@example.org', 'ALI');
    const from = { ip: LOCAL_IP, user_agent: AGENT };
    expect(await last('auth.register', alice.id)).toMatchObject({ actor_id: alice.id, actor_label: 'alice@example.org', outcome: 'success', target_type: 'user', ...from });
    expect(await last('auth.login', alice.id)).toMatchObject({ actor_id: alice.id, outcome: 'success', target_type: 'user', ...from });

    await http().post('/api/auth/login').set('User-Agent', AGENT).send({ trigramme: 'ALI', password: WRONG_PASSWORD }).expect(401);
    expect(await last('auth.login', alice.id)).toMatchObject({ actor_id: alice.id, outcome: 'failure', details: { reason: 'wrong_password' }, ...from });

    await http().post('/api/auth/login').set('User-Agent', AGENT).send({ email: UNKNOWN_LOGIN, password: WRONG_PASSWORD }).expect(401);
    const [unknown] = await audit({ action: 'auth.login', outcome: 'failure' }, 1);
    expect(unknown).toMatchObject({ actor_id: null, actor_label: null, target_type: null, target_id: null, details: { reason: 'unknown_account' }, ...from });
  });

  it('records logout, password changes and revocations of sessions', async () => {
    const bob = await register('bob@example.org', 'BOB');
    const second = await http().post('/api/auth/login').set('User-Agent', AGENT).send({ email: 'bob@example.org', password: PASSWORD }).expect(200);
    const third = await http().post('/api/auth/login').set('User-Agent', AGENT).send({ email: 'bob@example.org', password: PASSWORD }).expect(200);
    const fourth = await http().post('/api/auth/login').set('User-Agent', AGENT).send({ email: 'bob@example.org', password: PASSWORD }).expect(200);
    tokens.push(second.body.access_token, third.body.access_token, fourth.body.access_token);

    // One session, then all others.
    const sessions = await http().get('/api/sessions').set(bob.auth).expect(200);
    const other = sessions.body.items.find((s: { current: boolean }) => !s.current).id as string;
    await http().delete(`/api/sessions/${other}`).set(bob.auth).set('User-Agent', AGENT).expect(204);
    expect(await last('session.revoke', other)).toMatchObject({ actor_id: bob.id, target_type: 'session', details: { count: 1 }, ip: LOCAL_IP, user_agent: AGENT });
    await http().delete('/api/sessions').set(bob.auth).expect(204);
    expect(await last('session.revoke', bob.id)).toMatchObject({ actor_id: bob.id, target_type: 'user', details: { count: 2 } });

    await http().put('/api/auth/password').set(bob.auth).send({ current_password: WRONG_PASSWORD, new_password: NEW_PASSWORD }).expect(403);
    expect(await last('user.password_change', bob.id)).toMatchObject({ actor_id: bob.id, outcome: 'failure', details: { reason: 'wrong_current_password' } });
    await http().put('/api/auth/password').set(bob.auth).set('User-Agent', AGENT).send({ current_password: PASSWORD, new_password: NEW_PASSWORD }).expect(204);
    expect(await last('user.password_change', bob.id)).toMatchObject({ actor_id: bob.id, outcome: 'success', user_agent: AGENT, details: { sessions_revoked: 0 } });

    const me = await http().get('/api/sessions').set(bob.auth).expect(200);
    await http().post('/api/auth/logout').set(bob.auth).set('User-Agent', AGENT).expect(204);
    expect(await last('auth.logout')).toMatchObject({ actor_id: bob.id, target_type: 'session', target_id: me.body.items[0].id, user_agent: AGENT });
  });

  it('records own profile changes with the changed fields only', async () => {
    await http().put('/api/auth/me').set(alice.auth).send({ email: 'alice.new@example.org', trigramme: 'ALI' }).expect(200);
    expect(await last('user.update', alice.id)).toMatchObject({
      actor_id: alice.id,
      actor_label: 'alice@example.org',
      target_label: 'alice.new@example.org',
      details: { email: 'alice.new@example.org' },
    });
    const unchanged = await audit({ action: 'user.update', target_id: String(alice.id) });
    await http().put('/api/auth/me').set(alice.auth).send({ trigramme: 'ALI' }).expect(200);
    expect(await audit({ action: 'user.update', target_id: String(alice.id) })).toHaveLength(unchanged.length);
  });

  it('records what an admin does to a user: role, activity, sessions', async () => {
    const carol = await register('carol@example.org', 'CAR');
    const byAdmin = { actor_id: admin.id, actor_label: 'root@example.org', target_type: 'user', target_id: String(carol.id), target_label: 'carol@example.org' };
    await http().patch(`/api/admin/users/${carol.id}`).set(admin.auth).set('User-Agent', AGENT).send({ is_admin: true }).expect(200);
    expect(await last('user.role_change', carol.id)).toMatchObject({ ...byAdmin, details: { is_admin: true }, user_agent: AGENT });
    await http().patch(`/api/admin/users/${carol.id}`).set(admin.auth).send({ is_admin: false }).expect(200);
    expect(await last('user.role_change', carol.id)).toMatchObject({ ...byAdmin, details: { is_admin: false } });

    await http().post(`/api/admin/users/${carol.id}/revoke-sessions`).set(admin.auth).expect(200);
    expect(await last('session.revoke', carol.id)).toMatchObject({ ...byAdmin, details: { count: 1 } });

    await http().patch(`/api/admin/users/${carol.id}`).set(admin.auth).send({ is_active: false }).expect(200);
    expect(await last('user.deactivate', carol.id)).toMatchObject(byAdmin);
    await http().post('/api/auth/login').send({ email: 'carol@example.org', password: PASSWORD }).expect(403);
    expect(await last('auth.login', carol.id)).toMatchObject({ actor_id: carol.id, outcome: 'failure', details: { reason: 'deactivated' } });
    await http().patch(`/api/admin/users/${carol.id}`).set(admin.auth).send({ is_active: true }).expect(200);
    expect(await last('user.activate', carol.id)).toMatchObject(byAdmin);

    // A change to what already is records nothing.
    const before = await audit({ target_type: 'user', target_id: String(carol.id) });
    await http().patch(`/api/admin/users/${carol.id}`).set(admin.auth).send({ is_active: true, is_admin: false }).expect(200);
    expect(await audit({ target_type: 'user', target_id: String(carol.id) })).toHaveLength(before.length);
  });

  it('records a deletion of a user (written by the deletion), keeping the id without the email', async () => {
    const dave = await register('dave@example.org', 'DAV');
    await http().delete(`/api/admin/users/${dave.id}`).set(admin.auth).set('User-Agent', AGENT).expect(204);
    expect(await last('user.delete', dave.id)).toMatchObject({ actor_id: admin.id, target_type: 'user', target_label: null, user_agent: AGENT });
    const theirs = await audit({ actor_id: dave.id });
    expect(theirs.map((r) => r.action)).toEqual(['auth.login', 'auth.register']);
    expect(JSON.stringify(await audit())).not.toContain('dave@example.org');
  });

  it('records document deletions, without their content', async () => {
    const agent = await http().post('/api/agents').set(alice.auth).send({ name: 'Audited agent' }).expect(201);
    // Not waiting for extraction: with Redis and PostgreSQL it runs in a worker this test does not start.
    const uploaded = await http().post('/api/documents/upload').set(alice.auth)
      .field('entity_type', 'agent').field('entity_id', String(agent.body.id)).attach('file', Buffer.from('Confidential salary grid for 2027'), 'grid.txt').expect(201);
    const id = uploaded.body.id as number;
    await http().delete(`/api/documents/${id}`).set(alice.auth).set('User-Agent', AGENT).expect(204);
    expect(await last('document.delete', id)).toMatchObject({
      actor_id: alice.id,
      target_type: 'document',
      target_label: 'grid.txt',
      details: { entity_type: 'agent', entity_id: agent.body.id },
      user_agent: AGENT,
    });
  });

  it('records group, budget and agent sharing changes (written by those features)', async () => {
    const group = await http().post('/api/admin/groups').set(admin.auth).set('User-Agent', AGENT).send({ name: 'Finance' }).expect(201);
    const byAdmin = { actor_id: admin.id, target_type: 'group', target_id: String(group.body.id), target_label: 'Finance', user_agent: AGENT };
    expect(await last('group.create', group.body.id)).toMatchObject(byAdmin);
    await http().put(`/api/admin/groups/${group.body.id}/members/${alice.id}`).set(admin.auth).set('User-Agent', AGENT).expect(204);
    expect(await last('group.member_add', group.body.id)).toMatchObject({ ...byAdmin, details: { user_id: alice.id } });

    const agent = await http().post('/api/agents').set(alice.auth).send({ name: 'Shared with finance' }).expect(201);
    await http().put(`/api/agents/${agent.body.id}`).set(alice.auth).set('User-Agent', AGENT).send({ visibility: 'groups', group_ids: [group.body.id] }).expect(200);
    expect(await last('agent.visibility_change', agent.body.id)).toMatchObject({
      actor_id: alice.id,
      target_type: 'agent',
      target_label: 'Shared with finance',
      details: { from: 'private', to: 'groups', group_ids: [group.body.id] },
      user_agent: AGENT,
    });

    await http().delete(`/api/admin/groups/${group.body.id}/members/${alice.id}`).set(admin.auth).set('User-Agent', AGENT).expect(204);
    expect(await last('group.member_remove', group.body.id)).toMatchObject({ ...byAdmin, details: { user_id: alice.id } });

    await http().put(`/api/admin/budgets/users/${alice.id}`).set(admin.auth).set('User-Agent', AGENT).send({ messages_per_day: 5 }).expect(200);
    const [budget] = await audit({ action: 'budget.set' }, 1);
    expect(budget).toMatchObject({ actor_id: admin.id, outcome: 'success', details: expect.objectContaining({ messages_per_day: 5 }), user_agent: AGENT });
  });

  it('answers 403 to a non-admin and 401 to anonymous callers on every admin route, recording each refusal', async () => {
    const spec = await http().get('/api/docs-json').expect(200);
    const routes = Object.entries(spec.body.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.startsWith('/api/admin/'))
      .flatMap(([path, operations]) => METHODS.filter((method) => method in operations).map((method) => ({ method, path })));
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['get /api/admin/audit', 'get /api/admin/users/{id}']));

    for (const { method, path } of routes) {
      const url = path.replace(/\{[^}]+\}/g, String(admin.id));
      const asUser = await http()[method](url).set(alice.auth).set('User-Agent', AGENT).send({});
      expect([method, path, asUser.status]).toEqual([method, path, 403]);
      const anonymous = await http()[method](url).send({});
      expect([method, path, anonymous.status]).toEqual([method, path, 401]);

      const pattern = `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`;
      const denied = await audit({ action: 'admin.denied', target_id: pattern }, 1);
      expect([pattern, denied[0]]).toEqual([
        pattern,
        expect.objectContaining({ actor_id: alice.id, outcome: 'denied', target_type: 'route', ip: LOCAL_IP, user_agent: AGENT }),
      ]);
    }
    const [example] = await audit({ action: 'admin.denied', target_id: 'GET /api/admin/users/:id' }, 1);
    expect(example).toMatchObject({ target_id: 'GET /api/admin/users/:id', details: null });
  });

  it('filters by actor, action (exact or prefix), target, outcome and time, newest first, paged by id', async () => {
    const all = await audit();
    expect(all.length).toBeGreaterThan(10);
    const ids = all.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(ids.length);
    // Small pages walk the same records.
    expect((await audit({}, 3)).map((r) => r.id)).toEqual(ids);

    const firstPage = await http().get('/api/admin/audit?limit=2').set(admin.auth).expect(200);
    expect(firstPage.body.items).toHaveLength(2);
    expect(firstPage.body.next_before).toBe(firstPage.body.items[1].id);
    expect(typeof firstPage.body.items[0].id).toBe('number');

    const byAlice = await audit({ actor_id: alice.id });
    expect(byAlice.length).toBeGreaterThan(0);
    expect(byAlice.every((r) => r.actor_id === alice.id)).toBe(true);
    expect(byAlice).toEqual(all.filter((r) => r.actor_id === alice.id));

    const auth = await audit({ action: 'auth.' });
    expect(new Set(auth.map((r) => r.action))).toEqual(new Set(['auth.login', 'auth.logout', 'auth.register']));
    expect(auth).toEqual(all.filter((r) => r.action.startsWith('auth.')));
    // `_` is not a wildcard.
    expect(await audit({ action: 'user.role_chang.' })).toEqual([]);
    expect((await audit({ action: 'user.role_change' })).every((r) => r.action === 'user.role_change')).toBe(true);

    const failures = await audit({ outcome: 'failure' });
    expect(failures).toEqual(all.filter((r) => r.outcome === 'failure'));
    const sessions = await audit({ target_type: 'session' });
    expect(sessions).toEqual(all.filter((r) => r.target_type === 'session'));

    const middle = all[Math.floor(all.length / 2)];
    const since = await audit({ from: middle.created_at });
    expect(since).toEqual(all.filter((r) => r.created_at >= middle.created_at));
    const until = await audit({ to: middle.created_at });
    expect(until).toEqual(all.filter((r) => r.created_at < middle.created_at));
    expect(await audit({ from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' })).toEqual([]);

    for (const bad of ['action=AUTH', 'action=auth..login', 'outcome=maybe', 'target_type=planet', 'from=yesterday', 'actor_id=0', 'before=0', 'limit=201', 'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'unknown=1']) {
      const response = await http().get(`/api/admin/audit?${bad}`).set(admin.auth);
      expect([bad, response.status]).toEqual([bad, 422]);
    }
  });

  it('never stores a password or a token', async () => {
    const rows = await t.app.get(DataSource).query('SELECT * FROM audit_events');
    const text = JSON.stringify(rows);
    expect(rows.length).toBeGreaterThan(10);
    const secrets = [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, 'bootstrap password', UNKNOWN_LOGIN, 'Confidential salary', ...tokens];
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('retention deletes records older than AUDIT_RETENTION_DAYS in batches, and keeps everything at 0', async () => {
    const dataSource = t.app.get(DataSource);
    const count = async (where: string) => Number((await dataSource.query(`SELECT count(*) AS n FROM audit_events WHERE ${where}`))[0].n);
    // More than one batch (5000) of records past the default 365 days, and a few just inside it.
    await dataSource.query(
      `INSERT INTO audit_events (action, outcome, created_at) SELECT 'auth.login', 'success', now() - interval '400 days' - g * interval '1 second' FROM generate_series(1, 5003) AS g`,
    );
    await dataSource.query(`INSERT INTO audit_events (action, outcome, created_at) SELECT 'auth.logout', 'success', now() - interval '364 days' FROM generate_series(1, 3)`);
    const recent = await count(`created_at > now() - interval '365 days'`);

    const keepForever = new AuditRetentionJob(t.app.get(AuditRepository), { ...t.config, audit: { retentionDays: 0 } });
    await keepForever.handle();
    expect(await count(`created_at < now() - interval '365 days'`)).toBe(5003);

    await t.app.get(AuditRetentionJob).handle();
    expect(await count(`created_at < now() - interval '365 days'`)).toBe(0);
    expect(await count(`created_at > now() - interval '365 days'`)).toBe(recent);
    expect(await count(`action = 'auth.logout' AND created_at < now() - interval '300 days'`)).toBe(3);
  });
});
