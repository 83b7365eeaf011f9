import type { INestApplicationContext } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { createWorker } from '../../apps/worker/src/create-worker';
import { Document } from '#database';
import { usesWorker } from '#jobs';
import { SignedIn } from '../support/auth';
import { userWithChat, waitFor } from '../support/chat-app';
import { startTestApp, TestApp } from '../support/test-app';

const KB = 1024;

/** Plain text of exactly `kilobytes`, unique per seed; blank lines pad it so extraction stays cheap. */
function text(seed: string, kilobytes: number): Buffer {
  const note = `${seed}: a note about upload limits.`;
  return Buffer.from(note + '\n'.repeat(kilobytes * KB - note.length));
}

function upload(t: TestApp, user: SignedIn, chatId: number, file: Buffer, name: string) {
  return t.http().post('/api/documents/upload').set(user.auth).field('entity_type', 'chat').field('entity_id', String(chatId)).attach('file', file, name);
}

function documents(t: TestApp) {
  return t.app.get(DataSource).getRepository(Document);
}

/** In-process jobs run at once: let the document's job end so a status set by the test sticks. */
async function settled(t: TestApp, id: number): Promise<void> {
  if (usesWorker(t.config)) return;
  await waitFor(() => documents(t).findOneByOrFail({ id }), (document) => document.status === 'ready' || document.status === 'failed');
}

function storedCopies(t: TestApp, bytes: Buffer): number {
  if (!fs.existsSync(t.config.uploadDir)) return 0;
  return fs.readdirSync(t.config.uploadDir).filter((name) => fs.readFileSync(path.join(t.config.uploadDir, name)).equals(bytes)).length;
}

describe('Uploads: rate, quota, pending cap, duplicates and names', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      UPLOAD_RATE_LIMIT: '6',
      UPLOAD_RATE_WINDOW: '1h',
      USER_STORAGE_QUOTA_MB: '1',
      MAX_PENDING_DOCUMENTS_PER_USER: '10',
      EMBEDDING_PROVIDER: 'none',
    });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past UPLOAD_RATE_LIMIT, per user', async () => {
    const { user, chatId } = await userWithChat(t, {}, 'Rate');
    for (let i = 0; i < 6; i++) await upload(t, user, chatId, text(`rate ${i}`, 1), `rate-${i}.txt`).expect(201);
    const refused = await upload(t, user, chatId, text('rate 6', 1), 'rate-6.txt').expect(429);
    expect(refused.body).toEqual({ detail: 'Too many uploads: at most 6 every 3600 s; try again later' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await documents(t).countBy({ uploader_id: user.id })).toBe(6);

    const other = await userWithChat(t, {}, 'Other');
    await upload(t, other.user, other.chatId, text('other', 1), 'other.txt').expect(201);
  });

  it('answers 413 past USER_STORAGE_QUOTA_MB, saying how much is used', async () => {
    const { user, chatId } = await userWithChat(t, {}, 'Quota');
    for (let i = 0; i < 3; i++) await upload(t, user, chatId, text(`quota ${i}`, 300), `quota-${i}.txt`).expect(201);
    const refused = await upload(t, user, chatId, text('quota 3', 300), 'quota-3.txt').expect(413);
    expect(refused.body).toEqual({ detail: expect.stringMatching(/^Storage quota exceeded: used 0\.9 of 1 MB, and this file is 0\.3 MB/) });
    expect(await documents(t).countBy({ uploader_id: user.id })).toBe(3);
  });

  it('does not overshoot the quota with concurrent uploads, nor leave their files behind', async () => {
    const { user, chatId } = await userWithChat(t, {}, 'Concurrent');
    const files = [0, 1, 2, 3, 4].map((i) => text(`concurrent ${i}`, 300));
    const responses = await Promise.all(files.map((file, i) => upload(t, user, chatId, file, `concurrent-${i}.txt`)));
    expect(responses.map((response) => response.status).sort()).toEqual([201, 201, 201, 413, 413]);
    const stored = await documents(t).findBy({ uploader_id: user.id });
    expect(stored.reduce((sum, document) => sum + document.file_size, 0)).toBeLessThanOrEqual(1024 * KB);
    expect(files.map((file) => storedCopies(t, file)).sort()).toEqual([0, 0, 1, 1, 1]);
  });

  it('answers 429 while MAX_PENDING_DOCUMENTS_PER_USER of the user\'s documents wait for extraction', async () => {
    const { user, chatId } = await userWithChat(t, {}, 'Pending');
    const waiting = await documents(t).save(
      Array.from({ length: 10 }, (_, i) => ({
        filename: `waiting-${i}.txt`, file_path: `missing-${i}.txt`, file_size: 1, mime_type: 'text/plain',
        entity_type: 'chat' as const, entity_id: chatId, uploader_id: user.id, status: 'pending' as const,
      })),
    );
    const refused = await upload(t, user, chatId, text('pending', 1), 'pending.txt').expect(429);
    expect(refused.body).toEqual({ detail: 'Too many documents waiting to be read (10); upload more once some are ready' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    await documents(t).update(waiting.map((document) => document.id), { status: 'ready' });
    await upload(t, user, chatId, text('pending', 1), 'pending.txt').expect(201);
  });

  it('returns the existing document for the same bytes in the same chat: one row, one file, counted once', async () => {
    const { user, agentId, chatId } = await userWithChat(t, {}, 'Duplicates');
    const bytes = text('duplicate', 600);
    const first = await upload(t, user, chatId, bytes, 'report.txt').expect(201);
    const again = await upload(t, user, chatId, bytes, 'report (1).txt').expect(200);
    expect(again.body).toMatchObject({ id: first.body.id, filename: 'report.txt', sha256: first.body.sha256 });
    expect(await documents(t).countBy({ uploader_id: user.id })).toBe(1);
    expect(storedCopies(t, bytes)).toBe(1);
    // 600 KB counted once: 300 KB more still fits in 1 MB.
    await upload(t, user, chatId, text('after duplicate', 300), 'more.txt').expect(201);

    // Another chat is another scope: its own copy. A failed copy is not reused: uploading again is how a user retries.
    const small = text('small', 1);
    const here = await upload(t, user, chatId, small, 'small.txt').expect(201);
    const otherChat = await t.http().post('/api/chats').set(user.auth).send({ agent_id: agentId, title: 'Other' }).expect(201);
    const elsewhere = await upload(t, user, otherChat.body.id, small, 'small.txt').expect(201);
    expect(elsewhere.body.id).not.toBe(here.body.id);
    await settled(t, elsewhere.body.id);
    await documents(t).update(elsewhere.body.id, { status: 'failed' });
    const retried = await upload(t, user, otherChat.body.id, small, 'small.txt').expect(201);
    expect(retried.body.id).not.toBe(elsewhere.body.id);
  });

  it('keeps UTF-8 file names through upload, listing and download', async () => {
    const { user, chatId } = await userWithChat(t, {}, 'Names');
    const names = ['Procès-verbal été.txt', '会议记录 2027.md'];
    for (const [i, name] of names.entries()) {
      const uploaded = await upload(t, user, chatId, text(`name ${i}`, 1), name).expect(201);
      expect(uploaded.body.filename).toBe(name);
      const download = await t.http().get(`/api/documents/${uploaded.body.id}`).set(user.auth).expect(200);
      const encoded = /filename\*=UTF-8''([^;]+)$/.exec(download.headers['content-disposition'])?.[1];
      expect(decodeURIComponent(encoded ?? '')).toBe(name);
    }
    const listed = await t.http().get(`/api/documents?entity_type=chat&entity_id=${chatId}`).set(user.auth).expect(200);
    expect(listed.body.items.map((document: { filename: string }) => document.filename)).toEqual([...names].reverse());
    const first = await t.http().get(`/api/documents?entity_type=chat&entity_id=${chatId}&limit=1`).set(user.auth).expect(200);
    expect(first.body.items.map((document: { filename: string }) => document.filename)).toEqual([names[1]]);
    const rest = await t.http().get(`/api/documents?entity_type=chat&entity_id=${chatId}&limit=1&before=${first.body.next_before}`).set(user.auth).expect(200);
    expect(rest.body.items.map((document: { filename: string }) => document.filename)).toEqual([names[0]]);
    expect(rest.body.next_before).toBeNull();
  });
});

describe('Readiness: jobs that no worker consumes', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    t = await startTestApp({ EMBEDDING_PROVIDER: 'none' });
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
  });

  it('is degraded while uploads wait with no worker, and ok once one runs (in-process jobs: up)', async () => {
    const { user, chatId } = await userWithChat(t, {}, 'Worker');
    const uploaded = await upload(t, user, chatId, text('worker', 1), 'worker.txt').expect(201);
    const ready = () => t.http().get('/api/health/ready').expect(200).then((response) => response.body);

    if (usesWorker(t.config)) {
      expect(await ready()).toEqual({
        status: 'degraded',
        detail: expect.stringMatching(/^jobs: no worker consuming, \d+ waiting \(start apps\/worker\)$/),
        checks: { database: 'up', redis: 'up', llm: 'disabled', jobs: 'down' },
        llm_endpoints: [],
      });
      worker = await createWorker(t.config);
    }
    await waitFor(ready, (body) => body.status === 'ok' && body.checks.jobs === 'up', 20_000);
    await waitFor(() => documents(t).findOneByOrFail({ id: uploaded.body.id }), (document) => document.status === 'ready', 30_000);
  });
});
