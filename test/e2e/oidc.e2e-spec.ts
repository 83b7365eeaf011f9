import { signUp, SignedIn } from '../support/auth';
import { freePort } from '../support/free-port';
import { IdpAccount, IdpClient, OidcFlow, TestBrowser, TestIdp, loginCode } from '../support/oidc/test-idp';
import { connectSocket, once } from '../support/socket-client';
import { startTestApp, TestApp } from '../support/test-app';

// Single sign-on against a real OpenID provider (oidc-provider, in its own process): the browser's redirects are
// driven over HTTP with a cookie jar. One provider for the file; each app registers its own client there.

const ACCOUNTS: IdpAccount[] = [
  { sub: 'ada-1815', email: 'ada@example.org', email_verified: true, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' },
  { sub: 'ada-twin', email: 'ada.twin@example.org', email_verified: true, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' },
  { sub: 'grace-1906', email: 'grace@example.org', email_verified: true, name: 'Grace Hopper', trigramme: 'GHO', groups: ['Research', 'foyer-admins', 'finance'] },
  { sub: 'claim-taken', email: 'claim.taken@example.org', email_verified: true, given_name: 'Kurt', family_name: 'Godel', trigramme: 'GHO' },
  { sub: 'linked-1', email: 'linked@example.org', email_verified: true, name: 'Linus Linked' },
  { sub: 'mallory', email: 'victim@example.org', email_verified: false, name: 'Mallory' },
  { sub: 'tess', email: 'tess@example.org', email_verified: true, name: 'Tess Tamper' },
  { sub: 'eve', email: 'eve@elsewhere.net', email_verified: true, name: 'Eve Outsider' },
  { sub: 'bill', email: 'bill@example.org', email_verified: true, name: 'Bill Backchannel' },
  { sub: 'rita', email: 'rita@example.org', email_verified: true, name: 'Rita Rpinitiated' },
  { sub: 'root', email: 'root@example.org', email_verified: true, name: 'Root Admin', groups: ['foyer-admins'] },
  { sub: 'pat', email: 'pat@example.org', email_verified: true, name: 'Pat Password-free' },
  { sub: 'stranger', email: 'stranger@example.org', email_verified: true, name: 'Nobody Known' },
  { sub: 'known-pw', email: 'known@example.org', email_verified: true, name: 'Known Password' },
];

const ADMIN_EMAIL = 'admin@example.org';

interface OidcApp {
  t: TestApp;
  client: IdpClient;
  flow: (browser?: TestBrowser) => OidcFlow;
}

describe('Single sign-on (OpenID Connect) against a real provider', () => {
  let idp: TestIdp;
  const accounts = ACCOUNTS.map((account) => ({ ...account }));
  const apps: OidcApp[] = [];

  /** The app's port is picked first: its callback URL is in its settings and in its client at the provider. */
  async function startOidcApp(env: Record<string, string>, clientOptions: { sessionRequired?: boolean } = {}): Promise<OidcApp> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const client = await idp.registerClient(url, clientOptions);
    const t = await startTestApp({ ...idp.appEnv(url, client), ...env }, port);
    const app = { t, client, flow: (browser?: TestBrowser) => new OidcFlow(t.url, browser) };
    apps.push(app);
    return app;
  }

  async function changeAccount(sub: string, changes: Partial<IdpAccount>): Promise<void> {
    Object.assign(accounts.find((account) => account.sub === sub)!, changes);
    await idp.setAccounts(accounts);
  }

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    idp = await TestIdp.start(accounts);
  });
  afterEach(() => idp.setFault(null));
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.t.close()));
    await idp.stop();
  });

  describe('with linking of verified emails, admin groups, group sync and a trigramme claim', () => {
    let a: OidcApp;
    let admin: SignedIn;

    beforeAll(async () => {
      a = await startOidcApp({
        OIDC_LINK_VERIFIED_EMAIL: 'true',
        OIDC_ADMIN_GROUPS: 'foyer-admins',
        OIDC_SYNC_GROUPS: 'true',
        OIDC_TRIGRAMME_CLAIM: 'trigramme',
        OIDC_ALLOWED_DOMAINS: 'example.org',
      });
      admin = await signUp(a.t, { email: ADMIN_EMAIL }); // the first user is the admin (a password account)
    });

    /** Live sessions of a user, as the admin sees them. */
    async function sessionsOf(userId: number): Promise<number> {
      const detail = await a.t.http().get(`/api/admin/users/${userId}`).set(admin.auth).expect(200);
      return detail.body.sessions.length;
    }

    async function usersMatching(q: string): Promise<{ id: number; email: string }[]> {
      return (await a.t.http().get('/api/admin/users').query({ q }).set(admin.auth).expect(200)).body.items;
    }

    /** A refused callback: a 4xx with a detail, and no redirect carrying a login code. */
    async function expectRefused(callback: Response, status = 400): Promise<string> {
      const body = await callback.text();
      expect({ status: callback.status, body }).toEqual({ status, body: expect.stringContaining('detail') });
      expect(callback.headers.get('location') ?? '').not.toContain('login_code');
      return (JSON.parse(body) as { detail: string }).detail;
    }

    it('lists single sign-on among the sign-in options', async () => {
      const providers = await a.t.http().get('/api/auth/providers').expect(200);
      expect(providers.body).toEqual({ password: true, registration: true, oidc: { name: 'Test IdP', login_url: '/api/auth/oidc/login' } });
    });

    it('starts at the provider with PKCE (S256), state and nonce, and keeps the state in a short-lived cookie', async () => {
      const flow = a.flow();
      const response = await flow.start();
      const authorization = new URL(flow.authorizationUrl);
      expect(authorization.origin + authorization.pathname).toBe(`${idp.issuer}/auth`);
      const params = Object.fromEntries(authorization.searchParams);
      expect(params).toMatchObject({
        response_type: 'code',
        client_id: a.client.client_id,
        redirect_uri: `${a.t.url}/api/auth/oidc/callback`,
        code_challenge_method: 'S256',
        code_challenge: expect.stringMatching(/^[\w-]{43}$/),
        state: expect.stringMatching(/^[\w-]{16,}$/),
        nonce: expect.stringMatching(/^[\w-]{16,}$/),
      });
      expect(params.scope.split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
      const cookie = response.headers.getSetCookie().find((header) => header.startsWith('foyergpt_oidc='))!;
      expect(cookie).toContain(`foyergpt_oidc=${params.state}`);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).toMatch(/Path=\/api\/auth\/oidc/i);
      expect(cookie).toMatch(/Max-Age=600/i);
    });

    it('creates the account at the first sign-in (a normal, revocable session, no password) and finds it again at the second', async () => {
      const first = await a.flow().login('ada-1815');
      expect(first).toMatchObject({ access_token: expect.any(String), token_type: expect.stringMatching(/bearer/i) });
      const me = await a.t.http().get('/api/auth/me').set(bearer(first.access_token)).expect(200);
      expect(me.body).toMatchObject({ email: 'ada@example.org', is_admin: false, is_active: true });
      const listed = await a.t.http().get('/api/sessions').set(bearer(first.access_token)).expect(200);
      expect(listed.body.items).toEqual([expect.objectContaining({ current: true })]);
      // No password: password sign-in fails, and there is no password to change.
      await a.t.http().post('/api/auth/login').send({ email: 'ada@example.org', password: 'correct horse battery' }).expect(401);
      await a.t
        .http()
        .put('/api/auth/password')
        .set(bearer(first.access_token))
        .send({ current_password: 'anything at all', new_password: 'a brand new passphrase' })
        .expect(409);

      const second = await a.flow().login('ada-1815');
      const again = await a.t.http().get('/api/auth/me').set(bearer(second.access_token)).expect(200);
      expect(again.body.id).toBe(me.body.id);
      expect(await usersMatching('ada@example.org')).toHaveLength(1);
      expect(await sessionsOf(me.body.id)).toBe(2);

      // Revocable like any session: the second revokes the first, whose token then fails.
      const firstSession = listed.body.items[0].id;
      await a.t.http().delete(`/api/sessions/${firstSession}`).set(bearer(second.access_token)).expect(204);
      await a.t.http().get('/api/auth/me').set(bearer(first.access_token)).expect(401);
      await a.t.http().get('/api/auth/me').set(bearer(second.access_token)).expect(200);

      const audit = await a.t.http().get('/api/admin/audit').query({ action: 'auth.login', actor_id: me.body.id }).set(admin.auth).expect(200);
      expect(audit.body.items[0].details).toMatchObject({ method: 'oidc' });
    });

    it('the one-time login code works once', async () => {
      const flow = a.flow();
      await flow.start();
      await flow.authorize('ada-1815');
      const code = loginCode(await flow.callback(), a.t.url);
      expect((await flow.exchange(code)).status).toBe(200);
      const reused = await flow.exchange(code);
      expect(reused.status).toBe(400);
      expect(await reused.json()).toEqual({ detail: expect.any(String) });
      expect((await flow.exchange('not-a-code')).status).toBe(400);
    });

    it('links a verified email to the existing password account (audited user.oidc_link)', async () => {
      const owner = await signUp(a.t, { email: 'linked@example.org' });
      const token = await a.flow().login('linked-1');
      const me = await a.t.http().get('/api/auth/me').set(bearer(token.access_token)).expect(200);
      expect(me.body.id).toBe(owner.id);
      expect(await usersMatching('linked@example.org')).toHaveLength(1);
      const audit = await a.t.http().get('/api/admin/audit').query({ action: 'user.oidc_link' }).set(admin.auth).expect(200);
      expect(audit.body.items).toEqual([expect.objectContaining({ target_id: String(owner.id) })]);
      // The password still works: linking adds a way in, it takes none away.
      await a.t.http().post('/api/auth/login').send({ email: 'linked@example.org', password: 'correct horse battery' }).expect(200);
    });

    it('never links an unverified email to an existing account: 403, no session, no second account', async () => {
      const victim = await signUp(a.t, { email: 'victim@example.org' });
      const flow = a.flow();
      await flow.start();
      await flow.authorize('mallory');
      await expectRefused(await flow.callback(), 403);
      expect(await usersMatching('victim@example.org')).toEqual([expect.objectContaining({ id: victim.id })]);
      expect(await sessionsOf(victim.id)).toBe(1);
      // And not later either, by the same person coming back.
      const retry = a.flow();
      await retry.start();
      await retry.authorize('mallory');
      await expectRefused(await retry.callback(), 403);
      expect(await sessionsOf(victim.id)).toBe(1);
    });

    it('refuses an email outside OIDC_ALLOWED_DOMAINS', async () => {
      const flow = a.flow();
      await flow.start();
      await flow.authorize('eve');
      await expectRefused(await flow.callback(), 403);
      expect(await usersMatching('elsewhere.net')).toEqual([]);
    });

    describe('refuses what an attacker could bring to the callback, creating no session', () => {
      let tess: { id: number; token: string };

      beforeAll(async () => {
        const token = await a.flow().login('tess');
        const me = await a.t.http().get('/api/auth/me').set(bearer(token.access_token)).expect(200);
        tess = { id: me.body.id, token: token.access_token };
      });

      /** Signs in as tess up to the callback, with the next ID token altered by the provider. */
      async function callbackWithFault(fault: Parameters<TestIdp['setFault']>[0]): Promise<Response> {
        const flow = a.flow();
        await flow.start();
        await flow.authorize('tess');
        await idp.setFault(fault);
        return flow.callback();
      }

      it('an ID token whose signature was tampered with', async () => {
        const before = await sessionsOf(tess.id);
        await expectRefused(await callbackWithFault('tampered-signature'));
        expect(await sessionsOf(tess.id)).toBe(before);
      });

      it('an ID token signed by a key that is not in the provider\'s JWKS', async () => {
        const before = await sessionsOf(tess.id);
        await expectRefused(await callbackWithFault('foreign-key'));
        expect(await sessionsOf(tess.id)).toBe(before);
      });

      it('an ID token for another audience, validly signed by the provider', async () => {
        const before = await sessionsOf(tess.id);
        await expectRefused(await callbackWithFault('wrong-audience'));
        expect(await sessionsOf(tess.id)).toBe(before);
      });

      it('an earlier ID token replayed (its nonce is another sign-in\'s)', async () => {
        await a.flow().login('tess'); // the ID token the provider will replay: valid, for us, of another sign-in
        const before = await sessionsOf(tess.id);
        await expectRefused(await callbackWithFault('replayed'));
        expect(await sessionsOf(tess.id)).toBe(before);
      });

      it('a state that is not the browser\'s (another browser\'s sign-in, login CSRF)', async () => {
        const victim = a.flow();
        await victim.start();
        const attacker = a.flow();
        await attacker.start();
        const attackerCallback = await attacker.authorize('tess');
        const before = await sessionsOf(tess.id);
        await expectRefused(await victim.callback(attackerCallback));
        expect(await sessionsOf(tess.id)).toBe(before);
      });

      it('a callback without the state cookie', async () => {
        const flow = a.flow();
        await flow.start();
        await flow.authorize('tess');
        flow.browser.jar.delete('foyergpt_oidc');
        const before = await sessionsOf(tess.id);
        await expectRefused(await flow.callback());
        expect(await sessionsOf(tess.id)).toBe(before);
      });

      it('a state this server never issued, even with a cookie to match', async () => {
        const flow = a.flow();
        await flow.start();
        const callback = new URL(await flow.authorize('tess'));
        callback.searchParams.set('state', 'forged-state-forged-state-forged');
        flow.browser.jar.set('foyergpt_oidc', 'forged-state-forged-state-forged', '/api/auth/oidc');
        const before = await sessionsOf(tess.id);
        await expectRefused(await flow.callback(callback.href));
        expect(await sessionsOf(tess.id)).toBe(before);
      });

      it('a state used twice (a replayed callback), even with a fresh code for it', async () => {
        const flow = a.flow();
        await flow.start();
        await flow.authorize('tess');
        loginCode(await flow.callback(), a.t.url);
        // The same authorization request again at the provider (its session is still there): a new, valid code for
        // the used state, nonce and PKCE verifier; only the state's single use stands in the way.
        const replayed = await flow.authorize('tess');
        flow.browser.jar.set('foyergpt_oidc', flow.state, '/api/auth/oidc');
        const before = await sessionsOf(tess.id);
        await expectRefused(await flow.callback(replayed));
        expect(await sessionsOf(tess.id)).toBe(before);
      });

      it('an error the provider sends back', async () => {
        const flow = a.flow();
        await flow.start();
        const callback = `${a.t.url}/api/auth/oidc/callback?error=access_denied&state=${flow.state}`;
        await expectRefused(await flow.callback(callback));
      });
    });

    describe('groups and admin role from the groups claim', () => {
      it('makes a member of an admin group an admin, joins (or creates) the claimed groups, and follows the claim at each sign-in', async () => {
        await a.t.http().post('/api/admin/groups').set(admin.auth).send({ name: 'Finance' }).expect(201);
        const local = await a.t.http().post('/api/admin/groups').set(admin.auth).send({ name: 'Local team' }).expect(201);

        const first = await a.flow().login('grace-1906');
        const me = await a.t.http().get('/api/auth/me').set(bearer(first.access_token)).expect(200);
        expect(me.body).toMatchObject({ is_admin: true, trigramme: 'GHO' });
        const names = async (token: string) =>
          ((await a.t.http().get('/api/me/groups').set(bearer(token)).expect(200)).body.items as { name: string }[]).map((g) => g.name).sort();
        // Research is created, finance matches our Finance whatever the case.
        expect(await names(first.access_token)).toEqual(['Finance', 'Research', 'foyer-admins'].sort());
        const groups = (await a.t.http().get('/api/admin/groups').query({ limit: 100 }).set(admin.auth).expect(200)).body.items as { name: string }[];
        expect(groups.filter((g) => g.name.toLowerCase() === 'finance')).toHaveLength(1);
        // A local group an admin puts them in is theirs to keep.
        await a.t.http().put(`/api/admin/groups/${local.body.id}/members/${me.body.id}`).set(admin.auth).expect(204);

        await changeAccount('grace-1906', { groups: ['finance'] });
        const second = await a.flow().login('grace-1906');
        expect((await a.t.http().get('/api/auth/me').set(bearer(second.access_token)).expect(200)).body.is_admin).toBe(false);
        // Research (ours because the provider named it) is left; Finance and the local group stay.
        expect(await names(second.access_token)).toEqual(['Finance', 'Local team']);
        // The earlier session sees the demotion at once (cached sessions dropped).
        await a.t.http().get('/api/admin/users').set(bearer(first.access_token)).expect(403);
      });
    });

    describe('trigrammes', () => {
      it('derives a trigramme from the names, unique, that the user may change once', async () => {
        const ada = await a.flow().login('ada-1815');
        const twin = await a.flow().login('ada-twin');
        const adaMe = (await a.t.http().get('/api/auth/me').set(bearer(ada.access_token)).expect(200)).body;
        const twinMe = (await a.t.http().get('/api/auth/me').set(bearer(twin.access_token)).expect(200)).body;
        expect(adaMe.trigramme).toMatch(/^[A-Z]{3}$/);
        expect(twinMe.trigramme).toMatch(/^[A-Z]{3}$/);
        expect(twinMe.trigramme).not.toBe(adaMe.trigramme);

        await a.t.http().put('/api/auth/me').set(bearer(twin.access_token)).send({ trigramme: 'TWN' }).expect(200);
        const twice = await a.t.http().put('/api/auth/me').set(bearer(twin.access_token)).send({ trigramme: 'TWO' }).expect(409);
        expect(twice.body.detail).toEqual(expect.any(String));
        // A later sign-in does not take the chosen one back.
        const later = await a.flow().login('ada-twin');
        expect((await a.t.http().get('/api/auth/me').set(bearer(later.access_token)).expect(200)).body.trigramme).toBe('TWN');
      });

      it('takes the claim when it is free, and keeps it: no change through the profile', async () => {
        const grace = await a.flow().login('grace-1906');
        expect((await a.t.http().get('/api/auth/me').set(bearer(grace.access_token)).expect(200)).body.trigramme).toBe('GHO');
        await a.t.http().put('/api/auth/me').set(bearer(grace.access_token)).send({ trigramme: 'GRH' }).expect(409);
      });

      it('derives one when the claimed trigramme is taken', async () => {
        await a.flow().login('grace-1906'); // GHO is hers
        const kurt = await a.flow().login('claim-taken');
        const me = (await a.t.http().get('/api/auth/me').set(bearer(kurt.access_token)).expect(200)).body;
        expect(me.trigramme).toMatch(/^[A-Z]{3}$/);
        expect(me.trigramme).not.toBe('GHO');
      });
    });

    describe('logout', () => {
      it('back-channel logout from the provider ends the person\'s sessions and disconnects their sockets, and only theirs', async () => {
        const bill = await a.flow().login('bill');
        const bystander = await a.flow().login('ada-1815');
        const { socket } = await connectSocket(a.t.url, { auth: { token: bill.access_token } });
        try {
          const disconnected = once(socket, 'disconnect', 10_000);
          expect(await idp.backchannelLogout(a.client, 'bill')).toBe(200);
          expect(await disconnected).toBe('io server disconnect');
        } finally {
          socket.close();
        }
        await a.t.http().get('/api/auth/me').set(bearer(bill.access_token)).expect(401);
        await a.t.http().get('/api/auth/me').set(bearer(bystander.access_token)).expect(200);
      });

      it('refuses a logout token the provider did not sign, or not for us, or carrying a nonce: 400, the session lives', async () => {
        const bill = await a.flow().login('bill');
        const post = (token: string) =>
          fetch(`${a.t.url}/api/auth/oidc/backchannel-logout`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ logout_token: token }).toString(),
          });
        const bad = [
          await idp.logoutToken(a.client, { sub: 'bill' }, true),
          await idp.logoutToken(a.client, { sub: 'bill', aud: 'another-client' }),
          await idp.logoutToken(a.client, { sub: 'bill', iss: 'http://127.0.0.1:1' }),
          await idp.logoutToken(a.client, { sub: 'bill', nonce: 'a-nonce' }),
          await idp.logoutToken(a.client, { sub: 'bill', events: {} }),
          'not-a-jwt',
        ];
        for (const token of bad) {
          const response = await post(token);
          expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: expect.objectContaining({ error: 'invalid_request' }) });
        }
        await a.t.http().get('/api/auth/me').set(bearer(bill.access_token)).expect(200);
        // The same token, correctly made, does end it: the refusals above were for their fault alone.
        expect((await post(await idp.logoutToken(a.client, { sub: 'bill' }))).status).toBe(200);
        await a.t.http().get('/api/auth/me').set(bearer(bill.access_token)).expect(401);
      });

      it('RP-initiated logout ends the local session and hands the provider\'s end-session URL; ending it there logs out the other devices', async () => {
        const laptop = a.flow();
        const onLaptop = await laptop.login('rita');
        const onPhone = await a.flow().login('rita');

        const logout = await a.t.http().post('/api/auth/oidc/logout').set(bearer(onLaptop.access_token)).expect(200);
        const endSession = new URL(logout.body.end_session_url);
        expect(endSession.origin + endSession.pathname).toBe(`${idp.issuer}/session/end`);
        expect(endSession.searchParams.get('client_id')).toBe(a.client.client_id);
        expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${a.t.url}/signed-out`);
        await a.t.http().get('/api/auth/me').set(bearer(onLaptop.access_token)).expect(401);
        await a.t.http().get('/api/auth/me').set(bearer(onPhone.access_token)).expect(200);

        // The laptop's browser goes there and confirms: the provider ends its session and tells us by back-channel.
        const page = await laptop.browser.get(endSession.href);
        const html = await page.text();
        expect({ status: page.status, html }).toEqual({ status: 200, html: expect.stringContaining('name="xsrf"') });
        const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1];
        const confirmed = await laptop.browser.postForm(`${idp.issuer}/session/end/confirm`, { xsrf, logout: 'yes' });
        expect({ status: confirmed.status, location: confirmed.headers.get('location') }).toEqual({ status: 303, location: `${a.t.url}/signed-out` });
        expect(idp.log).not.toContain('back-channel logout failed');
        await a.t.http().get('/api/auth/me').set(bearer(onPhone.access_token)).expect(401);
      });

      it('an end-session URL is null for a password session', async () => {
        const login = await a.t.http().post('/api/auth/login').send({ email: ADMIN_EMAIL, password: 'correct horse battery' }).expect(200);
        const logout = await a.t.http().post('/api/auth/oidc/logout').set(bearer(login.body.access_token)).expect(200);
        expect(logout.body).toEqual({ end_session_url: null });
        await a.t.http().get('/api/auth/me').set(bearer(login.body.access_token)).expect(401);
        await a.t.http().get('/api/auth/me').set(admin.auth).expect(200);
      });
    });
  });

  describe('with PASSWORD_LOGIN=false', () => {
    let b: OidcApp;

    beforeAll(async () => {
      // This client asks for the provider's session ids (sid) in its tokens: logouts can name one session.
      b = await startOidcApp({ PASSWORD_LOGIN: 'false', OIDC_ADMIN_GROUPS: 'foyer-admins' }, { sessionRequired: true });
    });

    /** Ends the browser's session at the provider (its end-session page, confirmed), as a person signing out there. */
    async function signOutAtProvider(browser: TestBrowser): Promise<void> {
      const page = await browser.get(`${idp.issuer}/session/end?client_id=${b.client.client_id}`);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
      if (!xsrf) throw new Error(`no logout form at the provider (${page.status})`);
      const confirmed = await browser.postForm(`${idp.issuer}/session/end/confirm`, { xsrf, logout: 'yes' });
      expect(confirmed.status).toBe(303);
    }

    it('turns password sign-in and registration off, says so, and single sign-on still works', async () => {
      const providers = await b.t.http().get('/api/auth/providers').expect(200);
      expect(providers.body).toEqual({ password: false, registration: false, oidc: { name: 'Test IdP', login_url: '/api/auth/oidc/login' } });
      const registered = await b.t.http().post('/api/auth/register').send({ email: 'pat@example.org', trigramme: 'PAT', password: 'correct horse battery' }).expect(403);
      expect(registered.body.detail).toContain('Test IdP');
      const login = await b.t.http().post('/api/auth/login').send({ email: 'pat@example.org', password: 'correct horse battery' }).expect(403);
      expect(login.body.detail).toContain('Test IdP');

      const token = await b.flow().login('pat');
      expect((await b.t.http().get('/api/auth/me').set(bearer(token.access_token)).expect(200)).body.email).toBe('pat@example.org');
    });

    it('never demotes the last active admin, even when the claim drops the admin group', async () => {
      // pat (above) is the first account, so an admin: make root the only one.
      const root = await b.flow().login('root');
      const rootMe = (await b.t.http().get('/api/auth/me').set(bearer(root.access_token)).expect(200)).body;
      expect(rootMe.is_admin).toBe(true);
      const pat = (await b.t.http().get('/api/admin/users').query({ q: 'pat@example.org' }).set(bearer(root.access_token)).expect(200)).body.items[0];
      if (pat.is_admin) await b.t.http().patch(`/api/admin/users/${pat.id}`).set(bearer(root.access_token)).send({ is_admin: false }).expect(200);

      await changeAccount('root', { groups: [] });
      const again = await b.flow().login('root');
      expect((await b.t.http().get('/api/auth/me').set(bearer(again.access_token)).expect(200)).body.is_admin).toBe(true);

      // With another admin left, the same claim does demote.
      await b.t.http().patch(`/api/admin/users/${pat.id}`).set(bearer(again.access_token)).send({ is_admin: true }).expect(200);
      const demoted = await b.flow().login('root');
      expect((await b.t.http().get('/api/auth/me').set(bearer(demoted.access_token)).expect(200)).body.is_admin).toBe(false);
    });

    it('a back-channel logout naming the provider\'s session (sid) ends that session only', async () => {
      const laptop = b.flow();
      const onLaptop = await laptop.login('bill');
      const onPhone = await b.flow().login('bill');
      await signOutAtProvider(laptop.browser);
      expect(idp.log).not.toContain('back-channel logout failed');
      await b.t.http().get('/api/auth/me').set(bearer(onLaptop.access_token)).expect(401);
      await b.t.http().get('/api/auth/me').set(bearer(onPhone.access_token)).expect(200);
    });
  });

  describe('with OIDC_AUTO_CREATE=false and no linking by email', () => {
    let c: OidcApp;
    let admin: SignedIn;

    beforeAll(async () => {
      c = await startOidcApp({ OIDC_AUTO_CREATE: 'false' });
      admin = await signUp(c.t);
    });

    it('refuses a person who has no account here: 403, nothing created', async () => {
      const flow = c.flow();
      await flow.start();
      await flow.authorize('stranger');
      const refused = await flow.callback();
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ detail: expect.any(String) });
      expect((await c.t.http().get('/api/admin/users').query({ q: 'stranger' }).set(admin.auth).expect(200)).body.items).toEqual([]);
    });

    it('refuses, without the setting, to link even a verified email to the existing password account', async () => {
      const known = await signUp(c.t, { email: 'known@example.org' });
      const flow = c.flow();
      await flow.start();
      await flow.authorize('known-pw');
      const refused = await flow.callback();
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ detail: expect.any(String) });
      const detail = await c.t.http().get(`/api/admin/users/${known.id}`).set(admin.auth).expect(200);
      expect(detail.body.sessions).toHaveLength(1);
      const audit = await c.t.http().get('/api/admin/audit').query({ action: 'user.oidc_link' }).set(admin.auth).expect(200);
      expect(audit.body.items).toEqual([]);
    });
  });

  describe('without OIDC configured', () => {
    it('offers passwords only, and has no single sign-on to start', async () => {
      const t = await startTestApp();
      try {
        expect((await t.http().get('/api/auth/providers').expect(200)).body).toEqual({ password: true, registration: true, oidc: null });
        expect((await t.http().get('/api/auth/oidc/login').expect(404)).body).toEqual({ detail: expect.any(String) });
      } finally {
        await t.close();
      }
    });
  });
});
