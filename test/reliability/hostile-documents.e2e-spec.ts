import type { INestApplicationContext } from '@nestjs/common';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { createWorker } from '../../apps/worker/src/create-worker';
import { DocumentChunk, DocumentPage } from '#database';
import { usesWorker } from '#jobs';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, simulatorEnv, startChatApp, startSimulator, userWithChat, waitFor } from '../support/chat-app';
import { scannedPdf } from '../support/fixtures';
import { confettiText, docxWithHugeBody, pdfWithHugeContent, textWithoutBreaks } from '../support/hostile-files';
import { startApp, TestApp, testEnvironment } from '../support/test-app';

const JOB_MEMORY_MB = 128;
const MAX_CHARS = 10_000_000;
const MB = 1024 * 1024;

interface DocumentView {
  id: number;
  status: string;
  error: string | null;
}

describe('Hostile documents: output caps and a memory limit per extraction', () => {
  let c: ChatApp;
  let owner: SignedIn;
  let chatId: number;
  let baselineRss = 0;
  let peakRss = 0;
  let sampler: NodeJS.Timeout | undefined;
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });

  const upload = (file: Buffer, name: string) =>
    c.t.http().post('/api/documents/upload').set(owner.auth).field('entity_type', 'chat').field('entity_id', String(chatId)).attach('file', file, name).expect(201);
  const view = async (id: number): Promise<DocumentView | undefined> =>
    (await c.t.http().get(`/api/documents?entity_type=chat&entity_id=${chatId}`).set(owner.auth).expect(200)).body.items.find((d: DocumentView) => d.id === id);
  const derivedRows = async (id: number) => {
    const dataSource = c.t.app.get(DataSource);
    return (await dataSource.getRepository(DocumentPage).countBy({ document_id: id })) + (await dataSource.getRepository(DocumentChunk).countBy({ document_id: id }));
  };

  /** Uploads and waits for the end of extraction, within a bound far below what the uncapped reader took. */
  async function ingest(file: Buffer, name: string, timeoutMs = 45_000): Promise<DocumentView> {
    const uploaded = await upload(file, name);
    return waitFor(() => view(uploaded.body.id), (d) => d?.status === 'ready' || d?.status === 'failed', timeoutMs) as Promise<DocumentView>;
  }

  beforeAll(async () => {
    // No embeddings: the simulator computes them on this thread, which would blur what is measured here.
    c = await startChatApp({
      MAX_UPLOAD_MB: '10',
      DOCUMENT_JOB_MEMORY_MB: String(JOB_MEMORY_MB),
      DOCUMENT_MAX_CHARS: String(MAX_CHARS),
      EMBEDDING_PROVIDER: 'none',
      OCR_WORKERS: '1',
    });
    ({ user: owner, chatId } = await userWithChat(c.t, {}, 'Hostile'));
    // A first document loads what every extraction shares, before the baseline is taken.
    expect((await ingest(Buffer.from('Bonjour à tous.'), 'hello.txt')).status).toBe('ready');
    baselineRss = peakRss = process.memoryUsage.rss();
    sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 25);
    loopDelay.enable();
  });
  afterAll(async () => {
    clearInterval(sampler);
    loopDelay.disable();
    await c?.close();
  });
  afterEach(async () => {
    // One extraction thread at a time here: its heap and watched buffers, twice over for young space and code, plus slack.
    expect(peakRss - baselineRss).toBeLessThan((2 * JOB_MEMORY_MB + 384) * MB);
    // The API (and, with Redis, the worker) share this process: parsing must never hold its event loop
    // (it held it for a minute). Generous: a loaded machine delays timers too.
    expect(loopDelay.max / 1e6).toBeLessThan(5000);
    loopDelay.reset();
    await c.t.http().get('/api/health').expect(200);
  });

  it('fails a DOCX under 1 MB whose body inflates to ~190 MB of text, quickly, keeping nothing', async () => {
    const file = await docxWithHugeBody(190);
    expect(file.length).toBeLessThan(MB);
    const document = await ingest(file, 'bomb.docx');
    expect(document).toMatchObject({ status: 'failed', error: "The document's text exceeds 10,000,000 characters (the limit)" });
    expect(await derivedRows(document.id)).toBe(0);
  });

  it('fails a PDF whose content stream inflates to 1 GB without decoding it', async () => {
    const file = await pdfWithHugeContent(1024);
    expect(file.length).toBeLessThan(2 * MB);
    const document = await ingest(file, 'bomb.pdf');
    expect(document).toMatchObject({ status: 'failed', error: 'The PDF holds a compressed stream that expands past 100 MB' });
    expect(await derivedRows(document.id)).toBe(0);
  });

  it('reads a megabyte of text without paragraph or sentence breaks quickly, in chunks within the size', async () => {
    const document = await ingest(textWithoutBreaks(), 'sans-pause.txt');
    expect(document.status).toBe('ready');
    const chunks = await c.t.app.get(DataSource).getRepository(DocumentChunk).find({ where: { document_id: document.id } });
    expect(chunks.length).toBeGreaterThan(100);
    for (const chunk of chunks) expect(chunk.token_count).toBeLessThanOrEqual(c.t.config.retrieval.chunkTokens);
  });

  it('fails a document that needs more than DOCUMENT_JOB_MEMORY_MB with a memory reason, and the process lives', async () => {
    const document = await ingest(confettiText(), 'confetti.txt', 100_000);
    expect(document).toMatchObject({ status: 'failed', error: `Reading the document needs more than the ${JOB_MEMORY_MB} MB of memory allowed` });
    expect(await derivedRows(document.id)).toBe(0);
    expect((await ingest(Buffer.from('Toujours là.'), 'after.txt')).status).toBe('ready');
  }, 150_000);

  it('deletes a document while it is being read: promptly, and nothing of it is left', async () => {
    const paragraph = (i: number) => `Paragraphe ${i}: le comité a examiné le budget, les effectifs et les projets de l'année.`;
    const text = Array.from({ length: 10_000 }, (_, i) => paragraph(i)).join('\n\n');
    const uploaded = await upload(Buffer.from(text), 'long.txt');
    await waitFor(() => view(uploaded.body.id), (d) => d?.status === 'processing', 20_000);
    const started = Date.now();
    await c.t.http().delete(`/api/documents/${uploaded.body.id}`).set(owner.auth).expect(204);
    // Generous: it waits for no extraction or transaction of the worker (that once took minutes).
    expect(Date.now() - started).toBeLessThan(5000);
    await c.t.http().get(`/api/documents/${uploaded.body.id}`).set(owner.auth).expect(404);
    // The job notices and stops; nothing it still had to write may land.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await derivedRows(uploaded.body.id)).toBe(0);
  });
});

describe('Hostile documents: stopping during OCR', () => {
  it('finishes or requeues the document, never crashes nor fails it', async () => {
    const sim = await startSimulator();
    const environment = await testEnvironment({ ...simulatorEnv(sim), OCR_WORKERS: '1' });
    let t: TestApp = { ...(await startApp(environment.env)), close: async () => undefined };
    let worker: INestApplicationContext | undefined = usesWorker(t.config) ? await createWorker(t.config) : undefined;
    try {
      const user = await signUp(t);
      const agent = await t.http().post('/api/agents').set(user.auth).send({ name: 'Scans' }).expect(201);
      const scan = await scannedPdf([['Première page du rapport'], ['Deuxième page du rapport'], ['Troisième page du rapport'], ['Quatrième page du rapport']]);
      const uploaded = await t.http().post('/api/documents/upload').set(user.auth).field('entity_type', 'agent').field('entity_id', String(agent.body.id)).attach('file', scan, 'scan.pdf').expect(201);
      const status = async () => (await t.app.get(DataSource).query('SELECT status FROM documents WHERE id = $1', [uploaded.body.id]))[0]?.status as string;
      await waitFor(status, (s) => s === 'processing', 30_000);
      // Into the OCR of the first pages, then stop whoever runs the job (the worker, or the API running jobs in-process).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      if (worker) await worker.close();
      else {
        await t.stop();
        t = { ...(await startApp(environment.env)), close: async () => undefined };
      }
      // Embedded, the database may close before the job records `pending`: `processing` is resumed at start too.
      expect(await status()).not.toBe('failed');
      worker = usesWorker(t.config) ? await createWorker(t.config) : undefined;
      await waitFor(status, (s) => s === 'ready' || s === 'failed', 150_000);
      expect(await status()).toBe('ready');
      const text = await t.http().get(`/api/documents/${uploaded.body.id}/text`).set(user.auth).expect(200);
      expect(text.body.pages.map((p: { text: string }) => p.text).join(' ')).toContain('Quatrième page');
    } finally {
      await worker?.close();
      await t.stop();
      await environment.dispose();
      await sim.close();
    }
  }, 240_000);
});
