import * as fs from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { AuthUser } from '#auth';
import { UrlTickets } from '#sessions';
import { launchChromium, step } from '../support/browser';
import { ChatApp, startChatApp, userWithChat } from '../support/chat-app';
import { textImage } from '../support/fixtures';

const ASSETS: Record<string, string> = {
  '/socket.io.min.js': path.join(__dirname, '..', '..', 'node_modules', 'socket.io-client', 'dist', 'socket.io.min.js'),
  '/app.js': path.join(__dirname, 'foreign-origin.page.mjs'),
};
const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><title>Foreign frontend</title>' +
  '<script src="/socket.io.min.js"></script><script type="module" src="/app.js"></script></head><body><h1>Another origin</h1></body></html>';
const PASSWORD = 'correct horse battery';

/** A static page server: the "separate frontend" on its own origin. */
async function startPageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const asset = ASSETS[request.url ?? ''];
    if (asset) response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(fs.readFileSync(asset));
    else response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * A page served from another origin than the API, using only browser APIs (fetch, EventSource,
 * socket.io-client, FormData, <img>, a link; foreign-origin.page.js): CORS, streaming and file
 * access from a separate frontend, with no access token in any URL and bad credentials refused.
 */
describe('A frontend on another origin (Chromium)', () => {
  let c: ChatApp;
  let pages: { server: Server; origin: string };
  let browser: Browser;
  let page: Page;
  const urls: string[] = [];

  /** Calls `foreign.<name>(args)` in the page. */
  const inPage = <T>(name: string, args: object): Promise<T> => page.evaluate(`window.foreign.${name}(${JSON.stringify(args)})`) as Promise<T>;

  beforeAll(async () => {
    pages = await startPageServer();
    c = await startChatApp({ CORS_ORIGINS: JSON.stringify([pages.origin]) });
    // Slow enough that the answer is still being written when EventSource connects.
    c.sim.interTokenMs = 40;
    browser = await launchChromium();
    const context = await browser.newContext({ acceptDownloads: true });
    page = await context.newPage();
    page.on('request', (request) => urls.push(request.url()));
    await page.goto(pages.origin);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await c?.close();
    await new Promise((resolve) => pages?.server.close(resolve));
  });

  it('signs in, streams over EventSource and Socket.IO, shows an uploaded PNG and downloads a file, by tickets; refuses bad credentials', async () => {
    const email = `foreign-${process.pid}@example.org`;
    const png = await textImage(['Foreign origin']);
    const notes = 'Notes saved through a download link.\n';

    const session = await step(page, 'sign-in', () => inPage<{ token: string; chatId: number }>('signIn', { apiUrl: c.t.url, email, password: PASSWORD }));
    expect(new URL(c.t.url).origin).not.toBe(pages.origin);

    const live = await step(page, 'stream', () =>
      inPage<{ sse: { tokens: string[]; done: string }; socket: { connected: boolean; tokens: number; done: string } }>('streamAnswer', {
        chatId: session.chatId,
        content: 'hello from another origin',
      }),
    );
    expect(live.sse.tokens.length).toBeGreaterThan(1);
    expect(live.sse.tokens.join('')).toBe(live.sse.done);
    expect(live.sse.done).toContain('hello from another origin');
    expect(live.socket).toMatchObject({ connected: true, done: live.sse.done });
    expect(live.socket.tokens).toBeGreaterThan(0);

    const imageId = await step(page, 'upload-png', () =>
      inPage<number>('upload', { chatId: session.chatId, base64: png.toString('base64'), type: 'image/png', name: 'picture.png' }),
    );
    const notesId = await step(page, 'upload-text', () =>
      inPage<number>('upload', { chatId: session.chatId, base64: Buffer.from(notes).toString('base64'), type: 'text/plain', name: 'notes.txt' }),
    );

    const shown = await step(page, 'img', () => inPage<{ width: number; base64: string }>('showImage', { id: imageId }));
    expect(shown.width).toBeGreaterThan(0);
    expect(Buffer.from(shown.base64, 'base64').equals(png)).toBe(true);

    const saved = await step(page, 'download-link', async () => {
      const href = await inPage<string>('addDownloadLink', { id: notesId });
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      return { href, name: download.suggestedFilename(), bytes: fs.readFileSync(await download.path()) };
    });
    expect(saved.name).toBe('notes.txt');
    expect(saved.bytes.toString('utf8')).toBe(notes);
    // The link's response, as the browser got it (a fresh ticket: they are valid for 60 s, not one use).
    const response = await fetch(saved.href);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="notes\.txt"/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');

    const { chatId: otherChatId } = await userWithChat(c.t, {}, 'Not yours');
    const claims = JSON.parse(Buffer.from(session.token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; sid: string };
    const me = { id: Number(claims.sub), session_id: claims.sid } as AuthUser;
    const expired = c.t.app.get(UrlTickets).issue(me, 'document', imageId, Date.now() - 61_000).ticket;
    const refused = await step(page, 'refusals', () => inPage('refusals', { chatId: session.chatId, otherChatId, imageId, expired }));
    expect(refused).toEqual({
      streamNoTicket: 401,
      streamNoTicketOpens: false,
      documentNoTicket: 401,
      imgNoTicket: 0,
      expired: 401,
      tampered: 401,
      imgTampered: 0,
      otherChatTicket: 404,
      otherChatStream: 404,
    });

    // No access token in any URL the page requested.
    expect(urls.length).toBeGreaterThan(10);
    expect(urls.filter((url) => url.includes(session.token))).toEqual([]);
    expect(urls.filter((url) => /[?&](token|access_token)=/.test(url))).toEqual([]);
  });
});
