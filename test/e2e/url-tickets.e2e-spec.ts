import { UrlTickets } from '#sessions';
import type { AuthUser } from '#auth';
import type { SignedIn } from '../support/auth';
import { ChatApp, startChatApp, userWithChat } from '../support/chat-app';
import { textImage } from '../support/fixtures';
import { readSse } from '../support/sse';

/** The user a token stands for, as the ticket service sees it (id + session). */
function authUserOf(user: SignedIn): AuthUser {
  const claims = JSON.parse(Buffer.from(user.token.split('.')[1]!, 'base64url').toString('utf8')) as { sid: string };
  return { id: user.id, session_id: claims.sid } as AuthUser;
}

describe('URL tickets: short-lived, single-purpose access for EventSource, <img> and links', () => {
  let c: ChatApp;
  let owner: SignedIn;
  let chatId: number;
  let other: SignedIn;
  let otherChatId: number;
  let pngId: number;
  let png: Buffer;
  let textId: number;

  beforeAll(async () => {
    c = await startChatApp();
    ({ user: owner, chatId } = await userWithChat(c.t, {}, 'Tickets'));
    ({ user: other, chatId: otherChatId } = await userWithChat(c.t, {}, 'Theirs'));
    png = await textImage(['Ticket']);
    const upload = (file: Buffer, name: string) =>
      c.t.http().post('/api/documents/upload').set(owner.auth).field('entity_type', 'chat').field('entity_id', String(chatId)).attach('file', file, name).expect(201);
    pngId = (await upload(png, 'scan "one".png')).body.id;
    textId = (await upload(Buffer.from('Plain notes for the ticket test.\n'), 'notes.txt')).body.id;
  });
  afterAll(() => c.close());

  const streamTicket = (user: SignedIn, id: number) => c.t.http().post(`/api/messages/stream/${id}/ticket`).set(user.auth);
  const documentTicket = (user: SignedIn, id: number) => c.t.http().post(`/api/documents/${id}/ticket`).set(user.auth);
  const ticketOf = (url: string) => new URL(url, 'http://x').searchParams.get('ticket')!;

  it('issues tickets for my chat and my document only, with a URL and an expiry ≤ 60 s', async () => {
    const issued = await streamTicket(owner, chatId).expect(201);
    expect(issued.body.url).toMatch(new RegExp(`^/api/messages/stream/${chatId}\\?ticket=[\\w-]+\\.[\\w-]+$`));
    const expiresIn = Date.parse(issued.body.expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(50_000);
    expect(expiresIn).toBeLessThanOrEqual(60_000);
    expect(issued.body.url).not.toContain(owner.token);
    const doc = await documentTicket(owner, pngId).expect(201);
    expect(doc.body.url).toMatch(new RegExp(`^/api/documents/${pngId}\\?ticket=`));

    await streamTicket(owner, otherChatId).expect(404);
    await documentTicket(other, pngId).expect(404);
    await c.t.http().post(`/api/messages/stream/${chatId}/ticket`).expect(401);
    await c.t.http().post(`/api/documents/${pngId}/ticket`).expect(401);
  });

  it('streams with a ticket: 204 with no answer, then the answer with a retry hint, tokens and done', async () => {
    const { user, chatId: fresh } = await userWithChat(c.t, {}, 'Fresh');
    const idle = await fetch(`${c.t.url}${(await streamTicket(user, fresh).expect(201)).body.url}`);
    expect(idle.status).toBe(204);
    await c.t.http().get(`/api/messages/stream/${fresh}`).set(user.auth).expect(204);

    await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: fresh, content: 'hello there', stream: false }).expect(201);
    const url = `${c.t.url}${(await streamTicket(user, fresh).expect(201)).body.url}`;
    const raw = await (await fetch(url)).text();
    expect(raw.startsWith('retry: ')).toBe(true);
    const { status, events } = await readSse(url);
    expect(status).toBe(200);
    expect(events.filter((e) => e.event === 'token').length).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'complete' } });
    // Resuming after the last event: nothing left to send.
    const resumed = await fetch(url, { headers: { 'Last-Event-ID': events.at(-1)!.id! } });
    expect(resumed.status).toBe(204);
  });

  it('serves a document by ticket: the original bytes, inline only for images and PDF, nosniff always', async () => {
    const image = await fetch(`${c.t.url}${(await documentTicket(owner, pngId).expect(201)).body.url}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('content-disposition')).toMatch(/^inline; filename="scan[^"]*\.png"; filename\*=UTF-8''scan\S*\.png$/);
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);

    const text = await fetch(`${c.t.url}${(await documentTicket(owner, textId).expect(201)).body.url}`);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(text.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses missing, tampered, expired, wrong-purpose and wrong-resource tickets, and access tokens in the URL', async () => {
    const stream = ticketOf((await streamTicket(owner, chatId).expect(201)).body.url);
    const doc = ticketOf((await documentTicket(owner, pngId).expect(201)).body.url);
    const tickets = c.t.app.get(UrlTickets);
    const expired = tickets.issue(authUserOf(owner), 'document', pngId, Date.now() - 61_000).ticket;
    const [body, signature] = doc.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...claims, r: textId })).toString('base64url')}.${signature}`;
    const flipped = `${body}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;

    const refused = async (path: string) => {
      const response = await c.t.http().get(path).expect(401);
      expect(response.body).toEqual({ detail: expect.any(String) });
    };
    await refused(`/api/documents/${pngId}`);
    await refused(`/api/documents/${pngId}?ticket=`);
    await refused(`/api/documents/${pngId}?ticket=${expired}`);
    await refused(`/api/documents/${textId}?ticket=${forged}`);
    await refused(`/api/documents/${pngId}?ticket=${flipped}`);
    await refused(`/api/documents/${pngId}?ticket=${stream}`);
    await refused(`/api/documents/${textId}?ticket=${doc}`);
    await refused(`/api/messages/stream/${chatId}?ticket=${doc}`);
    await refused(`/api/messages/stream/${otherChatId}?ticket=${stream}`);
    await refused(`/api/documents/${pngId}?token=${owner.token}`);
    await refused(`/api/documents/${pngId}?access_token=${owner.token}`);
    // Only the stream and the download take tickets.
    await refused(`/api/documents/${pngId}/text?ticket=${doc}`);
    await c.t.http().get(`/api/documents/${pngId}?ticket=${doc}`).expect(200);
  });

  it('refuses a ticket once its session is revoked', async () => {
    const { user, chatId: own } = await userWithChat(c.t, {}, 'Revoked');
    const url = (await streamTicket(user, own).expect(201)).body.url;
    await c.t.http().post('/api/auth/logout').set(user.auth).expect(204);
    const response = await c.t.http().get(url).expect(401);
    expect(response.body).toEqual({ detail: expect.any(String) });
  });
});
