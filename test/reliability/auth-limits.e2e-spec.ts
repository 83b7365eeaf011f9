import { signUp } from '../support/auth';
import { startTestApp, TestApp } from '../support/test-app';

describe('Auth limits: one count per account, and registration per address', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ LOGIN_RATE_LIMIT: '4', REGISTER_RATE_LIMIT: '3' });
  });
  afterAll(() => t.close());

  const login = (body: object) => t.http().post('/api/auth/login').send(body);

  it('counts the email and the trigramme of one account together', async () => {
    const email = 'twin@example.org';
    await signUp(t, { email, trigramme: 'TWN' }); // one login, one registration
    await login({ email: ' Twin@Example.org ', password: 'wrong-guess' }).expect(401);
    await login({ trigramme: 'twn', password: 'wrong-guess' }).expect(401);
    await login({ username: 'TWN', password: 'wrong-guess' }).expect(401);
    // Four attempts on the account: the trigramme has had only two of its own, yet it is refused too.
    const refused = await login({ trigramme: 'TWN', password: 'correct horse battery' }).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts an unknown identifier once whatever its case and spacing', async () => {
    for (const email of ['ghost@example.org', 'GHOST@example.org', ' ghost@Example.org', 'Ghost@Example.Org ']) {
      await login({ email, password: 'anything' }).expect(401);
    }
    await login({ email: 'ghost@example.org', password: 'anything' }).expect(429);
  });

  it('limits registrations per client address with 429 and Retry-After', async () => {
    const register = (n: number, ip = '198.51.100.7') =>
      t.http().post('/api/auth/register').set('X-Forwarded-For', ip)
        .send({ email: `reg${n}@example.org`, trigramme: `RG${String.fromCharCode(64 + n)}`, password: 'correct horse battery' });
    for (let n = 1; n <= 3; n++) await register(n).expect(201);
    const refused = await register(4).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.detail).toMatch(/too many/i);
    // Another address still registers.
    await register(5, '203.0.113.9').expect(201);
  });
});
