import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../free-port';

/** A person at the identity provider, as its claims say. */
export interface IdpAccount {
  sub: string;
  email: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  groups?: string[];
  trigramme?: string;
}

/** How the next token response's ID token is altered (see provider.mjs). */
export type IdTokenFault = 'tampered-signature' | 'wrong-audience' | 'foreign-key' | 'replayed';

/** A client of the provider: one per app under test, registered dynamically for that app's URL. */
export interface IdpClient {
  client_id: string;
  client_secret: string;
}

const PROVIDER = path.join(__dirname, 'provider.mjs');

/**
 * The test identity provider: a real `oidc-provider` in its own process (test/support/oidc/provider.mjs),
 * with accounts a test sets, and a control API to alter the next ID token or send a back-channel logout.
 */
export class TestIdp {
  private constructor(
    readonly issuer: string,
    private readonly child: ChildProcess,
    private readonly output: () => string,
  ) {}

  static async start(accounts: IdpAccount[] = []): Promise<TestIdp> {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'foyergpt-idp-'));
    const accountsFile = path.join(dir, 'accounts.json');
    fs.writeFileSync(accountsFile, JSON.stringify(accounts));
    const child = spawn(process.execPath, [PROVIDER, '--port', String(port), '--accounts', accountsFile], {
      // The provider warns about the runtime and its in-memory store on every start: noise here.
      env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'test' },
      // stdin a pipe: the provider exits when it closes, so a test process killed mid-run leaves no provider behind.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)));
    const issuer = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`test IdP did not start:\n${output}`)), 15_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-8000);
        const ready = /ready (\S+)/.exec(output);
        if (ready) {
          clearTimeout(timer);
          resolve(ready[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`test IdP exited (${code}):\n${output}`));
      });
    });
    fs.rmSync(dir, { recursive: true, force: true });
    return new TestIdp(issuer, child, () => output);
  }

  /** What the provider printed (errors such as a failed back-channel logout), for a failing test's message. */
  get log(): string {
    return this.output();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /**
   * Registers a client for the app that will listen at appUrl (dynamic client registration, RFC 7591).
   * sessionRequired: the provider puts its session id (`sid`) in ID tokens and logout tokens for this client.
   */
  async registerClient(appUrl: string, { sessionRequired = false } = {}): Promise<IdpClient> {
    const response = await fetch(`${this.issuer}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: [`${appUrl}/api/auth/oidc/callback`],
        post_logout_redirect_uris: [`${appUrl}/signed-out`],
        backchannel_logout_uri: `${appUrl}/api/auth/oidc/backchannel-logout`,
        backchannel_logout_session_required: sessionRequired,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      }),
    });
    if (response.status !== 201) throw new Error(`client registration: ${response.status} ${await response.text()}`);
    const { client_id, client_secret } = (await response.json()) as IdpClient;
    return { client_id, client_secret };
  }

  /** The OIDC_* settings of an app at appUrl using this client. */
  appEnv(appUrl: string, client: IdpClient): Record<string, string> {
    return {
      OIDC_ISSUER: this.issuer,
      OIDC_CLIENT_ID: client.client_id,
      OIDC_CLIENT_SECRET: client.client_secret,
      OIDC_REDIRECT_URL: `${appUrl}/api/auth/oidc/callback`,
      OIDC_POST_LOGOUT_URL: `${appUrl}/signed-out`,
      OIDC_DISPLAY_NAME: 'Test IdP',
    };
  }

  setAccounts(accounts: IdpAccount[]): Promise<unknown> {
    return this.control('PUT', '/__test/accounts', accounts);
  }

  /** The next token response (whichever client asks) carries an altered ID token. */
  setFault(fault: IdTokenFault | null): Promise<unknown> {
    return this.control('POST', '/__test/fault', { fault });
  }

  /**
   * The provider's own back-channel logout for `sub` to the client (oidc-provider's Client#backchannelLogout, what
   * its /session/end runs for each client of the session): resolves with the HTTP status the app answered.
   */
  async backchannelLogout(client: IdpClient, sub: string, sid?: string): Promise<number> {
    const result = (await this.control('POST', '/__test/backchannel-logout', { client_id: client.client_id, sub, sid })) as { status: number };
    return result.status;
  }

  /** A logout token signed with the provider's key (or one not in its JWKS), with these claims over the usual ones. */
  async logoutToken(client: IdpClient, claims: Record<string, unknown>, foreignKey = false): Promise<string> {
    const result = (await this.control('POST', '/__test/logout-token', { client_id: client.client_id, claims, foreign_key: foreignKey })) as {
      logout_token: string;
    };
    return result.logout_token;
  }

  private async control(method: string, route: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${this.issuer}${route}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return response.json();
  }
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/**
 * A browser's cookies for 127.0.0.1, where both the app and the provider listen: like a browser, cookies are kept
 * per host, not per port, and sent by path. Enough for the sign-in flow (no domains, no expiry beyond deletion).
 */
export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      const attribute = (key: string) =>
        attributes.find((part) => part.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const cookiePath = attribute('path') ?? '/';
      const maxAge = attribute('max-age');
      const expires = attribute('expires');
      const gone = value === '' || (maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && Date.parse(expires) <= Date.now());
      if (gone) this.cookies.delete(`${name};${cookiePath}`);
      else this.cookies.set(`${name};${cookiePath}`, { name, value, path: cookiePath });
    }
  }

  header(url: string): string {
    const { pathname } = new URL(url);
    return [...this.cookies.values()]
      .filter((cookie) => pathname === cookie.path || pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  get(name: string): string | undefined {
    return [...this.cookies.values()].find((cookie) => cookie.name === name)?.value;
  }

  set(name: string, value: string, cookiePath: string): void {
    this.cookies.set(`${name};${cookiePath}`, { name, value, path: cookiePath });
  }

  delete(name: string): void {
    for (const [key, cookie] of this.cookies) if (cookie.name === name) this.cookies.delete(key);
  }
}

/** A minimal browser: plain fetch that never follows redirects by itself, with a cookie jar. */
export class TestBrowser {
  constructor(readonly jar = new CookieJar()) {}

  async get(url: string): Promise<Response> {
    return this.send(url, { method: 'GET' });
  }

  async postForm(url: string, form: Record<string, string>): Promise<Response> {
    return this.send(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    const cookie = this.jar.header(url);
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.jar.store(response);
    return response;
  }
}

/** Where a redirect goes, as an absolute URL. */
export function location(response: Response, base: string): string {
  const target = response.headers.get('location');
  if (!target) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(target, base).href;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
}

/**
 * One sign-in through the provider, step by step, as a browser (its jar) and the frontend would go, so a test can
 * stop at any step and tamper: start → authorize (the provider's login and consent) → callback → exchange.
 */
export class OidcFlow {
  /** The provider's authorization URL the app redirected to (state, nonce, PKCE challenge in it). */
  authorizationUrl = '';
  /** The app's callback URL with the provider's code and state, once authorized. */
  callbackUrl = '';

  constructor(
    readonly appUrl: string,
    readonly browser = new TestBrowser(),
  ) {}

  get state(): string {
    return new URL(this.authorizationUrl).searchParams.get('state') ?? '';
  }

  /** GET /api/auth/oidc/login: the app sets its state cookie and sends the browser to the provider. */
  async start(): Promise<Response> {
    const response = await this.browser.get(`${this.appUrl}/api/auth/oidc/login`);
    if (response.status !== 302) throw new Error(`/api/auth/oidc/login answered ${response.status}: ${await response.text()}`);
    this.authorizationUrl = location(response, this.appUrl);
    return response;
  }

  /**
   * At the provider: the authorization request (this flow's, or another one given), its login form as `sub` and its
   * consent form, until the provider redirects back to the app. Returns the callback URL (code and state).
   */
  async authorize(sub: string, authorizationUrl = this.authorizationUrl): Promise<string> {
    const appOrigin = new URL(this.appUrl).origin;
    let url = authorizationUrl;
    for (let hop = 0; hop < 12; hop++) {
      if (new URL(url).origin === appOrigin) {
        this.callbackUrl = url;
        return url;
      }
      const interaction = /\/interaction\/([\w-]+)$/.exec(new URL(url).pathname);
      let response: Response;
      if (interaction) {
        const page = await this.browser.get(url);
        const { prompt } = (await page.json()) as { prompt: string };
        response = await this.browser.postForm(`${url}/${prompt === 'login' ? 'login' : 'consent'}`, prompt === 'login' ? { account: sub } : {});
      } else {
        response = await this.browser.get(url);
      }
      if (response.status < 300 || response.status >= 400) throw new Error(`provider answered ${response.status} at ${url}: ${await response.text()}`);
      url = location(response, url);
    }
    throw new Error('too many redirects at the provider');
  }

  /** GET the app's callback with the browser's cookies. */
  callback(callbackUrl = this.callbackUrl): Promise<Response> {
    return this.browser.get(callbackUrl);
  }

  /** POST /api/auth/oidc/exchange with the one-time code. */
  exchange(code: string): Promise<Response> {
    return fetch(`${this.appUrl}/api/auth/oidc/exchange`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  }

  /** The whole sign-in as `sub`, each step required to succeed: the app's token. */
  async login(sub: string): Promise<TokenResponse> {
    await this.start();
    await this.authorize(sub);
    const callback = await this.callback();
    const code = loginCode(callback, this.appUrl);
    const exchanged = await this.exchange(code);
    if (exchanged.status !== 200) throw new Error(`exchange answered ${exchanged.status}: ${await exchanged.text()}`);
    return (await exchanged.json()) as TokenResponse;
  }
}

/** The one-time code of a successful callback: its redirect to the post-login URL carries `#login_code=`. */
export function loginCode(callback: Response, appUrl: string): string {
  if (callback.status !== 302 && callback.status !== 303) throw new Error(`callback answered ${callback.status}, not a redirect`);
  const fragment = new URL(location(callback, appUrl)).hash.slice(1);
  const code = new URLSearchParams(fragment).get('login_code');
  if (!code) throw new Error(`no login_code in the post-login redirect: ${fragment}`);
  return code;
}
