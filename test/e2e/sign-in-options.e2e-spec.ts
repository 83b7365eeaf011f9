import { signUp } from '../support/auth';
import { freePort } from '../support/free-port';
import { startTestApp, TestApp } from '../support/test-app';

// How one signs in (GET /api/auth/providers) and PASSWORD_LOGIN, over HTTP. The single sign-on flow itself
// runs against a real provider in oidc*.e2e-spec.ts; here the provider is configured but never reached.

describe('Sign-in options: password and single sign-on', () => {
  describe('without single sign-on', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ ALLOW_REGISTRATION: 'false' });
    });
    afterAll(() => t?.close());

    it('offers the password only (registration as configured), and no single sign-on route', async () => {
      const providers = await t.http().get('/api/auth/providers').expect(200);
      expect(providers.body).toEqual({ password: true, registration: false, oidc: null });
      const login = await t.http().get('/api/auth/oidc/login').expect(404);
      expect(login.body).toEqual({ detail: 'Single sign-on is not configured' });
      await t.http().post('/api/auth/oidc/exchange').send({ code: 'anything' }).expect(404);
      await t.http().post('/api/auth/oidc/backchannel-logout').type('form').send({ logout_token: 'x.y.z' }).expect(404);
    });
  });

  describe('with single sign-on and PASSWORD_LOGIN=false', () => {
    let t: TestApp;
    beforeAll(async () => {
      // A port nothing listens on: the provider is never reachable here.
      const issuer = `http://127.0.0.1:${await freePort()}`;
      t = await startTestApp({
        OIDC_ISSUER: issuer,
        OIDC_CLIENT_ID: 'foyergpt',
        OIDC_REDIRECT_URL: 'http://127.0.0.1:8061/api/auth/oidc/callback',
        OIDC_DISPLAY_NAME: 'Acme SSO',
        PASSWORD_LOGIN: 'false',
      });
    });
    afterAll(() => t?.close());

    it('offers single sign-on only', async () => {
      const providers = await t.http().get('/api/auth/providers').expect(200);
      expect(providers.body).toEqual({ password: false, registration: false, oidc: { name: 'Acme SSO', login_url: '/api/auth/oidc/login' } });
    });

    it('refuses password sign-in and sign-up, naming the way in', async () => {
      const detail = 'Password sign-in is turned off: sign in with Acme SSO';
      const login = await t.http().post('/api/auth/login').send({ email: 'ada@example.org', password: 'analytical engine' }).expect(403);
      expect(login.body).toEqual({ detail });
      const form = await t.http().post('/api/auth/login').type('form').send({ username: 'ADA', password: 'analytical engine' }).expect(403);
      expect(form.body).toEqual({ detail });
      const register = await t.http().post('/api/auth/register').send({ email: 'ada@example.org', trigramme: 'ADA', password: 'analytical engine' }).expect(403);
      expect(register.body).toEqual({ detail });
    });

    it('answers 503 when the provider cannot be reached, and sets no state cookie', async () => {
      const response = await t.http().get('/api/auth/oidc/login').expect(503);
      expect(response.body.detail).toMatch(/identity provider cannot be reached/);
      expect(response.headers['set-cookie']).toBeUndefined();
    });

    it('refuses a callback whose state is not this browsers, or unknown, and clears the state cookie', async () => {
      const noCookie = await t.http().get('/api/auth/oidc/callback?code=abc&state=s1').expect(400);
      expect(noCookie.body.detail).toMatch(/did not start in this browser/);
      const mismatch = await t.http().get('/api/auth/oidc/callback?code=abc&state=s1').set('Cookie', 'foyergpt_oidc=s2').expect(400);
      expect(mismatch.body.detail).toMatch(/did not start in this browser/);
      const unknown = await t.http().get('/api/auth/oidc/callback?code=abc&state=s1').set('Cookie', 'foyergpt_oidc=s1').expect(400);
      expect(unknown.body.detail).toMatch(/expired or was already used/);
      expect(unknown.headers['set-cookie']?.[0]).toMatch(/^foyergpt_oidc=;.*Path=\/api\/auth\/oidc/);
    });

    it('refuses an unknown login code with 400, and an empty one with 422', async () => {
      const unknown = await t.http().post('/api/auth/oidc/exchange').send({ code: 'not-a-code' }).expect(400);
      expect(unknown.body.detail).toMatch(/login code is invalid, expired or already used/);
      await t.http().post('/api/auth/oidc/exchange').send({ code: '' }).expect(422);
    });

    it('answers a back-channel logout without a token with the spec\'s error', async () => {
      const response = await t.http().post('/api/auth/oidc/backchannel-logout').type('form').send({}).expect(400);
      expect(response.body).toMatchObject({ error: 'invalid_request', detail: 'logout_token is required' });
      expect(response.headers['cache-control']).toBe('no-store');
    });
  });

  describe('single sign-on alongside passwords', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        OIDC_ISSUER: `http://127.0.0.1:${await freePort()}`,
        OIDC_CLIENT_ID: 'foyergpt',
        OIDC_REDIRECT_URL: 'http://127.0.0.1:8061/api/auth/oidc/callback',
      });
    });
    afterAll(() => t?.close());

    it('offers both, and a password session signs out with no end-session URL', async () => {
      const providers = await t.http().get('/api/auth/providers').expect(200);
      expect(providers.body).toEqual({ password: true, registration: true, oidc: { name: 'Single sign-on', login_url: '/api/auth/oidc/login' } });
      const user = await signUp(t);
      const logout = await t.http().post('/api/auth/oidc/logout').set(user.auth).expect(200);
      expect(logout.body).toEqual({ end_session_url: null });
      await t.http().get('/api/auth/me').set(user.auth).expect(401);
      await t.http().post('/api/auth/oidc/logout').expect(401);
    });
  });
});
