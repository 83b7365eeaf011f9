import { createHmac } from 'node:crypto';
import { signUp } from '../support/auth';
import { startTestApp, TestApp } from '../support/test-app';

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function sign(header: object, payload: object, secret: string): string {
  const unsigned = `${base64url(header)}.${base64url(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('Auth: register, login, tokens, sessions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('registers (first user is admin), logs in by JSON and by form, and logs out everywhere', async () => {
    const body = { email: 'Ada@Example.org', trigramme: 'ada', password: 'analytical engine' };
    const registered = await t.http().post('/api/auth/register').send(body).expect(201);
    expect(registered.body).toMatchObject({ email: 'ada@example.org', trigramme: 'ADA', is_admin: true, is_active: true });
    expect(registered.body).not.toHaveProperty('hashed_password');

    const json = await t.http().post('/api/auth/login').send({ trigramme: 'ada', password: body.password }).expect(200);
    expect(json.body).toMatchObject({ token_type: 'bearer', expires_in: 7 * 86400, user: { id: registered.body.id } });
    const form = await t
      .http()
      .post('/api/auth/login')
      .type('form')
      .send({ username: 'ADA@example.org', password: body.password, grant_type: 'password' })
      .expect(200);

    const me = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${form.body.access_token}`).expect(200);
    expect(me.body.email).toBe('ada@example.org');

    await t.http().post('/api/auth/logout').set('Authorization', `Bearer ${form.body.access_token}`).expect(204);
    const after = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${form.body.access_token}`).expect(401);
    expect(after.body).toEqual({ detail: 'Could not validate credentials' });
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${json.body.access_token}`).expect(200);
  });

  it('gives the same 401 for a wrong password and an unknown user', async () => {
    const user = await signUp(t);
    const me = await t.http().get('/api/auth/me').set(user.auth).expect(200);
    const wrong = await t.http().post('/api/auth/login').send({ email: me.body.email, password: 'not the password' }).expect(401);
    const unknown = await t.http().post('/api/auth/login').send({ email: 'nobody@example.org', password: 'whatever1' }).expect(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('rejects duplicates with 409 naming the field, and bad trigrammes with 422', async () => {
    await signUp(t, { email: 'dup@example.org', trigramme: 'DUP' });
    const email = await t.http().post('/api/auth/register').send({ email: 'DUP@Example.org', trigramme: 'DUQ', password: 'password123' }).expect(409);
    expect(email.body.detail).toMatch(/email/);
    const trigramme = await t.http().post('/api/auth/register').send({ email: 'other@example.org', trigramme: 'dup', password: 'password123' }).expect(409);
    expect(trigramme.body.detail).toMatch(/trigramme/);
    for (const bad of ['ab', 'abcd', 'a1b']) {
      const response = await t.http().post('/api/auth/register').send({ email: `${bad}@example.org`, trigramme: bad, password: 'password123' }).expect(422);
      expect(response.body.detail[0].loc).toEqual(['body', 'trigramme']);
    }
    await t.http().post('/api/auth/register').send({ email: 'short@example.org', trigramme: 'SHO', password: 'short' }).expect(422);
  });

  it('refuses mass assignment of is_admin on register and on PUT /me', async () => {
    const response = await t.http().post('/api/auth/register').send({ email: 'mass@example.org', trigramme: 'MAS', password: 'password123', is_admin: true }).expect(422);
    expect(response.body.detail).toEqual([{ loc: ['body', 'is_admin'], msg: 'property is_admin should not exist' }]);
    const user = await signUp(t);
    await t.http().put('/api/auth/me').set(user.auth).send({ is_admin: true }).expect(422);
    await t.http().put('/api/auth/me').set(user.auth).send({ is_active: false }).expect(422);
    const updated = await t.http().put('/api/auth/me').set(user.auth).send({ trigramme: 'zzz' }).expect(200);
    expect(updated.body).toMatchObject({ trigramme: 'ZZZ', is_admin: false });
  });

  it('rejects tokens that are forged, tampered, unsigned, expired or without exp', async () => {
    const user = await signUp(t);
    const [header, payload] = user.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const secret = t.config.auth.jwtSecret!;
    const now = Math.floor(Date.now() / 1000);
    const tokens = {
      none: `${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      otherSecret: sign({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-another-secret-0123456789'),
      tampered: `${header}.${base64url({ ...claims, sub: '1' })}.${user.token.split('.')[2]}`,
      expired: sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now - 100, exp: now - 10 }, secret),
      noExp: sign({ alg: 'HS256', typ: 'JWT' }, { sub: claims.sub, sid: claims.sid, iat: now }, secret),
      hs512: `${base64url({ alg: 'HS512', typ: 'JWT' })}.${payload}.${createHmac('sha512', secret).update(`${base64url({ alg: 'HS512', typ: 'JWT' })}.${payload}`).digest('base64url')}`,
    };
    for (const [name, token] of Object.entries(tokens)) {
      const response = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      expect([name, response.status]).toEqual([name, 401]);
    }
    await t.http().get('/api/auth/me').expect(401);
    await t.http().get('/api/auth/me').set(user.auth).expect(200);
  });

  it('lists and revokes my sessions; another user\'s session is 404', async () => {
    const user = await signUp(t);
    const me = await t.http().get('/api/auth/me').set(user.auth).expect(200);
    const second = await t.http().post('/api/auth/login').send({ email: me.body.email, password: 'correct horse battery' }).expect(200);
    const list = await t.http().get('/api/sessions').set(user.auth).expect(200);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.next_before).toBeNull();
    expect(list.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const other = list.body.items.find((s: { current: boolean }) => !s.current);
    // Newest login first; the cursor is a creation time in µs (session ids are UUIDs).
    expect(list.body.items[0].id).toBe(other.id);
    const first = await t.http().get('/api/sessions?limit=1').set(user.auth).expect(200);
    expect(first.body.items.map((s: { id: string }) => s.id)).toEqual([other.id]);
    expect(first.body.next_before).toEqual(expect.any(Number));
    const rest = await t.http().get(`/api/sessions?limit=1&before=${first.body.next_before}`).set(user.auth).expect(200);
    expect(rest.body).toEqual({ items: [expect.objectContaining({ current: true })], next_before: null });

    const stranger = await signUp(t);
    await t.http().delete(`/api/sessions/${other.id}`).set(stranger.auth).expect(404);
    await t.http().delete('/api/sessions/not-a-uuid').set(user.auth).expect(404);
    await t.http().delete(`/api/sessions/${other.id}`).set(user.auth).expect(204);
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${second.body.access_token}`).expect(401);

    const third = await t.http().post('/api/auth/login').send({ email: me.body.email, password: 'correct horse battery' }).expect(200);
    await t.http().delete('/api/sessions').set(user.auth).expect(204);
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${third.body.access_token}`).expect(401);
    await t.http().get('/api/auth/me').set(user.auth).expect(200);
  });

  it('changes the password and revokes my other sessions', async () => {
    const user = await signUp(t);
    const me = await t.http().get('/api/auth/me').set(user.auth).expect(200);
    const other = await t.http().post('/api/auth/login').send({ email: me.body.email, password: 'correct horse battery' }).expect(200);
    await t.http().put('/api/auth/password').set(user.auth).send({ current_password: 'wrong password', new_password: 'new password 1' }).expect(403);
    await t.http().put('/api/auth/password').set(user.auth).send({ current_password: 'correct horse battery', new_password: 'new password 1' }).expect(204);
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${other.body.access_token}`).expect(401);
    await t.http().get('/api/auth/me').set(user.auth).expect(200);
    await t.http().post('/api/auth/login').send({ email: me.body.email, password: 'correct horse battery' }).expect(401);
    await t.http().post('/api/auth/login').send({ email: me.body.email, password: 'new password 1' }).expect(200);
  });

  it('keeps long passwords distinct beyond bcrypt\'s 72 bytes', async () => {
    const prefix = 'p'.repeat(80);
    await t.http().post('/api/auth/register').send({ email: 'long@example.org', trigramme: 'LNG', password: `${prefix}A` }).expect(201);
    await t.http().post('/api/auth/login').send({ email: 'long@example.org', password: `${prefix}B` }).expect(401);
    await t.http().post('/api/auth/login').send({ email: 'long@example.org', password: `${prefix}A` }).expect(200);
  });

  it('limits login attempts per account with 429 and Retry-After', async () => {
    await signUp(t, { email: 'brute@example.org', trigramme: 'BRU' });
    // signUp logged in once; the default limit is 10 attempts per account per window.
    for (let i = 0; i < 9; i++) {
      await t.http().post('/api/auth/login').send({ email: 'brute@example.org', password: `guess-${i}xx` }).expect(401);
    }
    const blocked = await t.http().post('/api/auth/login').send({ email: 'brute@example.org', password: 'correct horse battery' }).expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.body.detail).toMatch(/too many/i);
  });
});

describe('Auth: closed registration', () => {
  it('answers 403 when ALLOW_REGISTRATION=false', async () => {
    const t = await startTestApp({ ALLOW_REGISTRATION: 'false' });
    try {
      const response = await t.http().post('/api/auth/register').send({ email: 'x@example.org', trigramme: 'XXX', password: 'password123' }).expect(403);
      expect(response.body).toEqual({ detail: 'Registration is closed' });
    } finally {
      await t.close();
    }
  });
});
