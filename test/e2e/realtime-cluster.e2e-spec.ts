import type { INestApplicationContext } from '@nestjs/common';
import type { Socket } from 'socket.io-client';
import { createWorker } from '../../apps/worker/src/create-worker';
import { userWithChat } from '../support/chat-app';
import { LlmSimulator } from '../support/llm-simulator/llm-simulator';
import { collect, connectSocket, once, request, requestOk } from '../support/socket-client';
import { tokenSeqs } from '../support/token-seqs';
import { startApp, testEnvironment, TestEnvironment } from '../support/test-app';
import type { TestApp } from '../support/test-app';

// Two instances need a shared database server and Redis: runs where the suite does (CI).
const shared = process.env.TEST_DATABASE_URL && process.env.REDIS_URL;
const describeShared = shared ? describe : describe.skip;

describeShared('Realtime across two instances sharing PostgreSQL and Redis', () => {
  let sim: LlmSimulator;
  let environment: TestEnvironment;
  let a: Omit<TestApp, 'close'>;
  let b: Omit<TestApp, 'close'>;
  let worker: INestApplicationContext;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    sim = await LlmSimulator.start();
    environment = await testEnvironment({
      API_URL: sim.url,
      API_KEY: 'sim-key',
      API_MODEL: 'sim-chat',
      PIXTRAL_MODEL: 'sim-vision',
    });
    a = await startApp(environment.env);
    b = await startApp(environment.env);
    worker = await createWorker(a.config);
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await worker.close();
    await a.stop();
    await b.stop();
    await environment.dispose();
    await sim.close();
  });

  it('streams to a socket on B an answer generated on A, and a stop sent on B stops it', async () => {
    const { user, chatId } = await userWithChat({ ...a, close: async () => undefined }, {}, 'Cluster');
    const { socket } = await connectSocket(b.url, { auth: { token: user.token } });
    sockets.push(socket);
    expect(await request(socket, 'join_chat', { chat_id: chatId })).toEqual({ ok: true, chat_id: chatId });

    sim.reply = () => Array.from({ length: 200 }, (_, i) => `t${i}`).join(' ');
    sim.interTokenMs = 20;
    const firstTokens = collect(socket, 'message_token', (_t, all) => tokenSeqs(all).length >= 5);
    const sent = await a.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'long' }).expect(201);
    const tokens = await firstTokens;
    expect(tokenSeqs(tokens).slice(0, 5)).toEqual([1, 2, 3, 4, 5]);

    const done = once(socket, 'message_done');
    const stopped = await requestOk(socket, 'stop_generation', {
      message_id: sent.body.assistant_message.id,
    });
    expect(stopped).toMatchObject({ ok: true, message: { status: 'stopped' } });
    expect((await done).message).toMatchObject({ id: sent.body.assistant_message.id, status: 'stopped' });
    expect(stopped.message.content.split(' ').length).toBeLessThan(200);
  });

  it("tells the uploader's socket on B how a document uploaded on A and read by the worker goes", async () => {
    const { user, chatId } = await userWithChat({ ...a, close: async () => undefined }, {}, 'Documents');
    const { socket } = await connectSocket(b.url, { auth: { token: user.token } });
    sockets.push(socket);
    const statuses = collect(socket, 'document_status', (status) => status.status === 'ready' || status.status === 'failed', 30_000);
    const uploaded = await a
      .http()
      .post('/api/documents/upload')
      .set(user.auth)
      .field('entity_type', 'chat')
      .field('entity_id', String(chatId))
      .attach('file', Buffer.from('Une note lue par le worker.'), 'note.txt')
      .expect(201);
    const received = await statuses;
    expect(received[0]).toEqual({ id: uploaded.body.id, status: 'pending', progress: 0 });
    expect(received.at(-1)).toEqual({ id: uploaded.body.id, status: 'ready', progress: 1 });
  });

  it('disconnects a socket on B when its session is revoked through A', async () => {
    const { user } = await userWithChat({ ...a, close: async () => undefined }, {}, 'Revoke');
    const { socket } = await connectSocket(b.url, { auth: { token: user.token } });
    sockets.push(socket);
    const disconnected = once(socket, 'disconnect');
    await a.http().post('/api/auth/logout').set(user.auth).expect(204);
    expect(await disconnected).toBe('io server disconnect');
  });
});
