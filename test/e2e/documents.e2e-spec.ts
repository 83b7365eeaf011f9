import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { Document } from '#database';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, startChatApp, userWithChat, waitFor } from '../support/chat-app';
import { docx, docxBomb, scannedPdf, textImage, textPdf } from '../support/fixtures';

describe('Documents: upload, extraction, storage and access', () => {
  let c: ChatApp;
  let owner: SignedIn;
  let chatId: number;

  beforeAll(async () => {
    c = await startChatApp({ MAX_UPLOAD_MB: '2', DOCX_MAX_UNCOMPRESSED_MB: '20', OCR_WORKERS: '1' });
    ({ user: owner, chatId } = await userWithChat(c.t, {}, 'Docs'));
  });
  afterAll(() => c.close());

  const upload = (user: SignedIn, file: Buffer, name: string, entity: { type: string; id: number } = { type: 'chat', id: chatId }) =>
    c.t.http().post('/api/documents/upload').set(user.auth).field('entity_type', entity.type).field('entity_id', String(entity.id)).attach('file', file, name);

  /** Uploads and waits for the end of extraction. */
  async function process(file: Buffer, name: string) {
    const uploaded = await upload(owner, file, name).expect(201);
    expect(uploaded.body.status).toBe('pending');
    const done = await waitFor(
      async () => (await c.t.http().get(`/api/documents?entity_type=chat&entity_id=${chatId}`).set(owner.auth).expect(200)).body.items.find((d: { id: number }) => d.id === uploaded.body.id),
      (d: { status: string; sha256?: string }) => d.status === 'ready' || d.status === 'failed',
      60_000,
    );
    const text = await c.t.http().get(`/api/documents/${uploaded.body.id}/text`).set(owner.auth).expect(200);
    return { document: done, pages: text.body.pages as { page: number; text: string; ocr: boolean }[] };
  }

  it('reads a text PDF page by page', async () => {
    const { document, pages } = await process(await textPdf(['Quarterly budget review for 2027', 'Second page about hiring plans']), 'report.pdf');
    expect(document).toMatchObject({ status: 'ready', mime_type: 'application/pdf', page_count: 2, ocr_used: false });
    expect(document.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(pages.map((p) => p.page)).toEqual([1, 2]);
    expect(pages[0].text).toContain('Quarterly budget review');
    expect(pages[1].text).toContain('hiring plans');
  });

  it('reads a scanned PDF through OCR, accents included', async () => {
    const { document, pages } = await process(await scannedPdf([['La sécurité du château', 'Être prêt à répondre']]), 'scan.pdf');
    expect(document).toMatchObject({ status: 'ready', page_count: 1, ocr_used: true });
    expect(pages[0].ocr).toBe(true);
    for (const word of ['sécurité', 'château', 'Être', 'prêt', 'répondre']) expect(pages[0].text).toContain(word);
  });

  it('reads a PNG of French text through OCR', async () => {
    const { document, pages } = await process(await textImage(['Réunion de l’équipe à Montréal', 'Décisions prises hier']), 'photo.png');
    expect(document).toMatchObject({ status: 'ready', mime_type: 'image/png', ocr_used: true });
    for (const word of ['Réunion', 'équipe', 'Montréal', 'Décisions']) expect(pages[0].text).toContain(word);
  });

  it('reads a DOCX and a Latin-1 CSV', async () => {
    const word = await process(await docx(['Procédure de congés', 'Demander trois semaines avant']), 'conges.docx');
    expect(word.document).toMatchObject({ status: 'ready', mime_type: expect.stringContaining('wordprocessingml') });
    expect(word.pages[0].text).toContain('Procédure de congés');
    const csv = await process(Buffer.from('nom;ville\nHélène;Orléans\n', 'latin1'), 'contacts.csv');
    expect(csv.document).toMatchObject({ status: 'ready', mime_type: 'text/csv' });
    expect(csv.pages[0].text).toContain('Hélène;Orléans');
  });

  it('fails a document with no text, with a reason', async () => {
    const { document } = await process(Buffer.from('   \n\n  '), 'blank.txt');
    expect(document).toMatchObject({ status: 'failed', error: 'The document contains no text' });
  });

  it('fails a DOCX bomb and keeps serving', async () => {
    const { document } = await process(docxBomb(50), 'bomb.docx');
    expect(document).toMatchObject({ status: 'failed', error: expect.stringMatching(/expands too much/) });
    await c.t.http().get('/api/health').expect(200);
  });

  it('refuses by content: executables, SVG and HTML are 415 whatever their name; oversize is 413', async () => {
    const before = await c.t.app.get(DataSource).getRepository(Document).count();
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(256, 0)]);
    for (const [bytes, name] of [
      [elf, 'invoice.pdf'],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'logo.png'],
      [Buffer.from('<!DOCTYPE html><html><body>hi</body></html>'), 'notes.txt'],
    ] as [Buffer, string][]) {
      const response = await upload(owner, bytes, name).expect(415);
      expect(response.body.detail).toMatch(/Unsupported file type/);
    }
    const big = await upload(owner, Buffer.alloc(2.5 * 1024 * 1024, 'a'), 'big.txt').expect(413);
    expect(big.body).toEqual({ detail: expect.any(String) });
    await c.t.http().post('/api/documents/upload').set(owner.auth).field('entity_type', 'chat').field('entity_id', String(chatId)).expect(422);
    await upload(owner, Buffer.from('x'), 'x.txt', { type: 'folder', id: chatId }).expect(422);
    expect(await c.t.app.get(DataSource).getRepository(Document).count()).toBe(before);
  });

  it('stores under a generated name and downloads with a safe name', async () => {
    // A raw NUL in the part header is malformed multipart: refused before anything is stored.
    const malformed = await upload(owner, Buffer.from('x'), 'a\u0000b.txt').expect(400);
    expect(malformed.body).toEqual({ detail: 'Multipart: Malformed part header' });
    const nasty = `../../${'x'.repeat(290)}evil".txt`;
    const uploaded = await upload(owner, Buffer.from('contenu sûr'), nasty).expect(201);
    expect(uploaded.body.filename).not.toMatch(/[/\\"]/);
    expect(uploaded.body.filename.length).toBeLessThanOrEqual(200);
    expect(uploaded.body).not.toHaveProperty('file_path');
    const stored = await c.t.app.get(DataSource).getRepository(Document).findOneByOrFail({ id: uploaded.body.id });
    expect(stored.file_path).toMatch(/^[0-9a-f-]{36}\.txt$/);
    expect(fs.readFileSync(path.join(c.t.config.uploadDir, stored.file_path), 'utf8')).toBe('contenu sûr');

    const download = await c.t.http().get(`/api/documents/${uploaded.body.id}`).set(owner.auth).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect((download.body as Buffer).toString('utf8')).toBe('contenu sûr');
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="[^"/\\]+"; filename\*=UTF-8''/);
  });

  it('makes another user\'s documents 404 for list, download, text, delete and upload', async () => {
    const uploaded = await upload(owner, Buffer.from('private notes'), 'notes.txt').expect(201);
    const stranger = await signUp(c.t);
    await c.t.http().get(`/api/documents/${uploaded.body.id}`).set(stranger.auth).expect(404);
    await c.t.http().get(`/api/documents/${uploaded.body.id}/text`).set(stranger.auth).expect(404);
    await c.t.http().delete(`/api/documents/${uploaded.body.id}`).set(stranger.auth).expect(404);
    await c.t.http().get(`/api/documents?entity_type=chat&entity_id=${chatId}`).set(stranger.auth).expect(404);
    await upload(stranger, Buffer.from('intrusion'), 'x.txt').expect(404);
    await c.t.http().get(`/api/documents/${uploaded.body.id}`).expect(401);
    await c.t.http().delete(`/api/documents/${uploaded.body.id}`).set(owner.auth).expect(204);
    await c.t.http().get(`/api/documents/${uploaded.body.id}`).set(owner.auth).expect(404);
  });

  it('keeps agent documents to the agent owner and admins; users of a public agent cannot read them', async () => {
    const agent = await c.t.http().post('/api/agents').set(owner.auth).send({ name: 'Handbook', is_public: true }).expect(201);
    const uploaded = await upload(owner, Buffer.from('handbook text'), 'handbook.md', { type: 'agent', id: agent.body.id }).expect(201);
    expect(uploaded.body.mime_type).toBe('text/markdown');
    const reader = await signUp(c.t);
    await upload(reader, Buffer.from('mine'), 'x.txt', { type: 'agent', id: agent.body.id }).expect(404);
    await c.t.http().get(`/api/documents/${uploaded.body.id}`).set(reader.auth).expect(404);
    await c.t.http().get(`/api/documents?entity_type=agent&entity_id=${agent.body.id}`).set(reader.auth).expect(404);

    const stored = await c.t.app.get(DataSource).getRepository(Document).findOneByOrFail({ id: uploaded.body.id });
    await c.t.http().delete(`/api/agents/${agent.body.id}`).set(owner.auth).expect(204);
    expect(fs.existsSync(path.join(c.t.config.uploadDir, stored.file_path))).toBe(false);
  });

  it('removes a chat\'s files from disk when the chat is deleted', async () => {
    const other = await userWithChat(c.t, {}, 'Temporary');
    const uploaded = await c.t.http().post('/api/documents/upload').set(other.user.auth).field('entity_type', 'chat').field('entity_id', String(other.chatId)).attach('file', Buffer.from('bientôt supprimé'), 'temp.txt').expect(201);
    const stored = await c.t.app.get(DataSource).getRepository(Document).findOneByOrFail({ id: uploaded.body.id });
    const file = path.join(c.t.config.uploadDir, stored.file_path);
    expect(fs.existsSync(file)).toBe(true);
    await c.t.http().delete(`/api/chats/${other.chatId}`).set(other.user.auth).expect(204);
    expect(fs.existsSync(file)).toBe(false);
  });
});
