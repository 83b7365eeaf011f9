import type { INestApplicationContext } from '@nestjs/common';
import type { Socket } from 'socket.io-client';
import { createWorker } from '../../apps/worker/src/create-worker';
import { userWithChat } from '../support/chat-app';
import { LlmSimulator } from '../support/llm-simulator/llm-simulator';
import { collect, connectSocket, once, request } from '../support/socket-client';
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
    const firstTokens = collect<{ seq: number }>(socket, 'message_token', (_t, all) => all.length >= 5);
    const sent = await a.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'long' }).expect(201);
    const tokens = await firstTokens;
    expect(tokens.map((t) => t.seq)).toEqual([1, 2, 3, 4, 5]);

    const done = once<{ message: { id: number; status: string } }>(socket, 'message_done');
    const stopped = await request<{ ok: boolean; message: { status: string; content: string } }>(socket, 'stop_generation', {
      message_id: sent.body.assistant_message.id,
    });
    expect(stopped).toMatchObject({ ok: true, message: { status: 'stopped' } });
    expect((await done).message).toMatchObject({ id: sent.body.assistant_message.id, status: 'stopped' });
    expect(stopped.message.content.split(' ').length).toBeLessThan(200);
  });

  it('disconnects a socket on B when its session is revoked through A', async () => {
    const { user } = await userWithChat({ ...a, close: async () => undefined }, {}, 'Revoke');
    const { socket } = await connectSocket(b.url, { auth: { token: user.token } });
    sockets.push(socket);
    const disconnected = once<string>(socket, 'disconnect');
    await a.http().post('/api/auth/logout').set(user.auth).expect(204);
    expect(await disconnected).toBe('io server disconnect');
  });
});
