import type { Browser, Page } from 'playwright-core';
import { launchChromium, step } from '../support/browser';
import { freePort } from '../support/free-port';
import { TestIdp } from '../support/oidc/test-idp';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Single sign-on in Chromium: the redirects, the provider's forms and the state cookie as a real
 * browser handles them (SameSite, paths, 303s after a form post), down to the `#login_code=` the
 * frontend exchanges from the page. test/e2e/oidc.e2e-spec.ts covers the refusals over plain HTTP.
 */
describe('Single sign-on in Chromium', () => {
  let idp: TestIdp;
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    idp = await TestIdp.start([{ sub: 'ada-1815', email: 'ada@example.org', email_verified: true, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' }]);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    t = await startTestApp(idp.appEnv(url, await idp.registerClient(url)), port);
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await idp?.stop();
  });

  it('signs in through the provider\'s pages and exchanges the login code from the page for a session', async () => {
    await step(page, 'oidc-01-provider-login', async () => {
      await page.goto(`${t.url}/api/auth/oidc/login`);
      await page.fill('#account', 'ada-1815');
      await page.click('#sign-in');
    });
    await step(page, 'oidc-02-consent', async () => {
      await page.click('#allow');
      await page.waitForURL((url) => url.origin === t.url && url.hash.startsWith('#login_code='));
    });
    const token = await step(page, 'oidc-03-exchange', async () => {
      // What a frontend does on landing: take the code from the fragment and exchange it, from the page.
      const code = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('login_code');
      return page.evaluate(async (loginCode) => {
        const response = await fetch('/api/auth/oidc/exchange', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: loginCode }) });
        return ((await response.json()) as { access_token: string }).access_token;
      }, code);
    });
    const me = await t.http().get('/api/auth/me').set({ Authorization: `Bearer ${token}` }).expect(200);
    expect(me.body.email).toBe('ada@example.org');
    // The state cookie was cleared by the callback.
    const cookies = await page.context().cookies(t.url + '/api/auth/oidc/callback');
    expect(cookies.map((cookie) => cookie.name)).not.toContain('foyergpt_oidc');
  });
});
