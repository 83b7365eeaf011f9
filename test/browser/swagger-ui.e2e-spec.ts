import { createServer } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createApp } from '../../apps/api/src/create-app';
import { launchChromium, step } from '../support/browser';
import { testConfig, testEnvironment, TestEnvironment } from '../support/test-app';

const PASSWORD = 'correct horse battery';

/** A free local port, so the document's `servers` (from HOST and PORT) is where the app listens. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Swagger UI at /api/docs, driven as a developer would: Authorize with the OAuth2 password flow, then try a protected route. */
describe('Swagger UI (Chromium)', () => {
  let environment: TestEnvironment;
  let app: NestExpressApplication;
  let browser: Browser;
  let page: Page;
  let base: string;
  const email = `swagger-${process.pid}@example.org`;

  beforeAll(async () => {
    const port = await freePort();
    environment = await testEnvironment({ HOST: '127.0.0.1', PORT: String(port) });
    app = await createApp(testConfig(environment.env));
    await app.listen(port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    await request(app.getHttpServer()).post('/api/auth/register').send({ email, trigramme: 'SWG', password: PASSWORD }).expect(201);
    browser = await launchChromium();
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await environment?.dispose();
  });

  it("signs in through Authorize (OAuth2 password flow) and sends the token on a protected operation", async () => {
    await step(page, 'swagger-01-open', async () => {
      await page.goto(`${base}/api/docs`);
      await page.locator('.servers select option', { hasText: base }).waitFor({ state: 'attached' });
    });

    await step(page, 'swagger-02-authorize', async () => {
      await page.locator('.auth-wrapper button.authorize').click();
      const dialog = page.locator('.modal-ux');
      await dialog.locator('#oauth_username').fill(email);
      await dialog.locator('#oauth_password').fill(PASSWORD);
      const token = page.waitForResponse((response) => response.url() === `${base}/api/auth/login`);
      // The second Authorize button of the dialog is the OAuth2 scheme's (the first is the bearer one).
      await dialog.locator('button.authorize').last().click();
      expect((await token).status()).toBe(200);
      await dialog.locator('button.btn-done').last().click();
    });

    await step(page, 'swagger-03-try-me', async () => {
      const operation = page.locator('#operations-auth-ProfileController_me');
      await operation.locator('.opblock-summary').click();
      await operation.getByRole('button', { name: 'Try it out' }).click();
      const me = page.waitForResponse((response) => response.url() === `${base}/api/auth/me`);
      await operation.getByRole('button', { name: 'Execute' }).click();
      const response = await me;
      expect(response.status()).toBe(200);
      expect(response.request().headers().authorization).toMatch(/^Bearer ey/);
      await expect(response.json()).resolves.toMatchObject({ email });
    });
  });
});
