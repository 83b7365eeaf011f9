import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { signUp } from '../support/auth';
import { BROWSER_OUTPUT, launchChromium, step } from '../support/browser';
import { ensureBuilt } from '../support/built-app';
import { ChatApp, startChatApp, waitFor } from '../support/chat-app';

const PASSWORD = 'correct horse battery';
const HANDBOOK = 'Politique de congés\n\nChaque salarié dispose de vingt-cinq jours de congés payés par an.';
const LONG_ANSWER = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');

/**
 * The reference web client (apps/web, served at / with WEB_UI on) in Chromium, as a user drives it:
 * sign in, create a chat, watch an answer stream, stop it, regenerate it, upload a document and
 * open it from a citation of an answer.
 */
describe('Reference web client (Chromium)', () => {
  let c: ChatApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const email = `web-${process.pid}@example.org`;

  beforeAll(async () => {
    ensureBuilt();
    c = await startChatApp({ WEB_UI: 'true', EMBEDDING_PROVIDER: 'none', CHUNK_TOKENS: '60', CHUNK_OVERLAP_TOKENS: '0' });
    const owner = await signUp(c.t, { email });
    await c.t.http().post('/api/agents').set(owner.auth).send({ name: 'HR assistant', is_public: true, system_prompt: 'You answer HR questions.' }).expect(201);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1100, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => console.error('page error:', error));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await c?.close();
  });

  const assistant = () => page.locator('.message.assistant');

  async function signIn(tab: Page): Promise<void> {
    await tab.goto(c.t.url);
    await tab.fill('#login-id', email);
    await tab.fill('#login-password', PASSWORD);
    await tab.click('#login-form button[type=submit]');
    await tab.locator('#app-view').waitFor({ state: 'visible' });
  }

  it('signs in, chats with a streamed answer, stops, regenerates, uploads and opens a cited document', async () => {
    await step(page, '01-login', async () => {
      await signIn(page);
      await expect(page.locator('#live-mode').textContent()).resolves.toBe('Socket.IO');
    });

    await step(page, '02-new-chat', async () => {
      await page.locator('#agent-select option', { hasText: 'HR assistant' }).waitFor({ state: 'attached' });
      await page.click('#new-chat-form button[type=submit]');
      await page.locator('#chat-list button[aria-current=true]').waitFor();
    });

    await step(page, '03-streamed-answer', async () => {
      c.sim.reply = () => LONG_ANSWER;
      c.sim.interTokenMs = 40;
      await page.fill('#message-input', 'Tell me a long story');
      await page.click('#send');
      await page.locator('.message.user', { hasText: 'Tell me a long story' }).waitFor();
      // Part of the answer is on screen while it is still being generated.
      const streaming = page.locator('.message.assistant[data-status="streaming"] .content');
      await waitFor(() => streaming.textContent(), (text) => (text ?? '').includes('word5 '));
      await page.locator('#stop').waitFor({ state: 'visible' });
    });

    await step(page, '04-stop', async () => {
      await page.click('#stop');
      await assistant().first().and(page.locator('[data-status="stopped"]')).waitFor();
      const kept = (await assistant().first().locator('.content').textContent()) ?? '';
      expect(kept.startsWith('word0 word1')).toBe(true);
      expect(kept.length).toBeLessThan(LONG_ANSWER.length);
      await page.locator('#stop').waitFor({ state: 'hidden' });
    });

    await step(page, '05-regenerate', async () => {
      c.sim.interTokenMs = 5;
      c.sim.reply = () => 'A shorter answer.';
      await assistant().first().locator('.regenerate').click();
      await assistant().nth(1).and(page.locator('[data-status="complete"]')).waitFor();
      await expect(assistant().nth(1).locator('.content').textContent()).resolves.toBe('A shorter answer.');
    });

    await step(page, '06-upload', async () => {
      await page.setInputFiles('#upload-input', { name: 'handbook.md', mimeType: 'text/markdown', buffer: Buffer.from(HANDBOOK) });
      await page.locator('.documents li', { hasText: 'handbook.md' }).waitFor();
      await page.locator('.documents li[data-status="ready"]', { hasText: 'handbook.md' }).waitFor({ timeout: 30_000 });
    });

    await step(page, '07-citation-opens-document', async () => {
      c.sim.reply = () => 'Vingt-cinq jours par an [1].';
      await page.fill('#message-input', 'Combien de jours de congés par an ?');
      await page.click('#send');
      const citation = page.locator('.message.assistant .citation', { hasText: 'handbook.md' });
      await citation.waitFor();
      // A text file opens as a download (attachment); images and PDF would show in the tab.
      // Chromium attributes it to the new tab or to the page that opened it.
      const downloaded = new Promise<Download>((resolve, reject) => {
        setTimeout(() => reject(new Error('no download within 15 s')), 15_000);
        page.once('download', resolve);
        context.once('page', (opened) => opened.once('download', resolve));
      });
      await citation.click();
      const download = await downloaded;
      expect(download.suggestedFilename()).toBe('handbook.md');
      expect(download.url()).toMatch(/\/api\/documents\/\d+\?ticket=/);
      expect(fs.readFileSync(await download.path(), 'utf8')).toBe(HANDBOOK);
    });
  }, 120_000);

  it('fits a phone: the chat list folds behind a menu button (screenshot for the README)', async () => {
    const desktop = await page.screenshot();
    await step(page, '08-phone', async () => {
      await page.setViewportSize({ width: 390, height: 780 });
      await page.locator('#sidebar').waitFor({ state: 'hidden' });
      await page.click('#menu-toggle');
      await page.locator('#chat-list button').first().waitFor({ state: 'visible' });
      await page.click('#menu-toggle');
      await page.locator('#sidebar').waitFor({ state: 'hidden' });
      const composer = await page.locator('#composer').boundingBox();
      expect(composer!.x + composer!.width).toBeLessThanOrEqual(390);
    });
    // docs/web-client.png is this file: desktop and phone side by side.
    const phone = await page.screenshot();
    fs.mkdirSync(BROWSER_OUTPUT, { recursive: true });
    fs.writeFileSync(path.join(BROWSER_OUTPUT, 'web-client.png'), await sideBySide(desktop, phone));
  });

  it('streams over SSE (a ticket URL) when Socket.IO cannot connect', async () => {
    const blocked = await browser.newContext();
    const other = await blocked.newPage();
    other.setDefaultTimeout(15_000);
    try {
      await blocked.routeWebSocket(/\/ws\/socket\.io\//, (socket) => socket.close());
      await blocked.route(/\/ws\/socket\.io\//, (route) => route.abort());
      await step(other, '09-sse-fallback', async () => {
        await signIn(other);
        await expect(other.locator('#live-mode').textContent()).resolves.toBe('SSE');
        await other.locator('.message.user').first().waitFor();
        c.sim.reply = () => 'Streamed over SSE.';
        c.sim.interTokenMs = 20;
        await other.fill('#message-input', 'And without websockets?');
        await other.click('#send');
        await other.locator('.message.user', { hasText: 'And without websockets?' }).waitFor();
        await other.locator('.message.assistant[data-status="complete"]', { hasText: 'Streamed over SSE.' }).waitFor();
        await other.locator('#stop').waitFor({ state: 'hidden' });
      });
    } finally {
      await blocked.close();
    }
  });
});

/** Two screenshots on one white canvas, top-aligned, with a gap. */
async function sideBySide(left: Buffer, right: Buffer): Promise<Buffer> {
  const [a, b] = await Promise.all([loadImage(left), loadImage(right)]);
  const gap = 24;
  const canvas = createCanvas(a.width + gap + b.width, Math.max(a.height, b.height));
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(a, 0, 0);
  context.drawImage(b, a.width + gap, 0);
  return canvas.encode('png');
}
