import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import { signUp } from '../support/auth';
import { ENTRY, ensureBuilt, runBuilt } from '../support/built-app';
import { simulatorEnv, startSimulator, userWithChat, waitFor } from '../support/chat-app';
import { ClusterApp, httpRequest, pidOfRequest, queryDatabase, RawResponse, startClusterApp } from '../support/cluster-app';
import { connectWith, expectContinuous, expectReplayAfter, Token, workerOfEngineId, workerOfSocket } from '../support/cluster-sockets';
import { textImage } from '../support/fixtures';
import type { LlmSimulator } from '../support/llm-simulator/llm-simulator';
import { ClientSocket, collect, connectSocket, once, requestOk } from '../support/socket-client';
import { readSse } from '../support/sse';
import { testEnvironment } from '../support/test-app';

// Several workers need a database server and Redis: runs where the suite does (CI).
const shared = process.env.TEST_DATABASE_URL && process.env.REDIS_URL;
const describeShared = shared ? describe : describe.skip;

const ENGINE = '/ws/socket.io/?EIO=4&transport=polling';
/** Keeps a stalled answer streaming while a test looks at it (the simulator env says 1 s). */
const PATIENT_LLM = { LLM_IDLE_TIMEOUT: '60', LLM_FIRST_TOKEN_TIMEOUT: '60', MAX_CONCURRENT_GENERATIONS: '20' };

/** An Engine.IO session opened on a connection of its own: its sid and the response's Connection header. */
async function engineHandshake(url: string): Promise<{ sid: string; connection: string | undefined }> {
  const response = await httpRequest(`${url}${ENGINE}`);
  expect(response.status).toBe(200);
  const open = JSON.parse(response.body.toString().slice(1)) as { sid: string };
  return { sid: open.sid, connection: response.headers.connection };
}

/**
 * Asks for the default namespace without a token (POST), then reads the refusal (GET): both need the
 * session's own worker. The GET, on a new connection, must reach it directly (no `Via`: not passed on
 * by another worker); the POST's response is returned.
 */
async function expectSessionAnswers(url: string, sid: string, agent: http.Agent | false = false): Promise<RawResponse> {
  const sent = await httpRequest(`${url}${ENGINE}&sid=${sid}`, {
    method: 'POST',
    body: '40',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    agent,
  });
  expect({ status: sent.status, body: sent.body.toString() }).toEqual({ status: 200, body: 'ok' });
  const polled = await httpRequest(`${url}${ENGINE}&sid=${sid}`);
  expect({ status: polled.status, via: polled.headers.via }).toEqual({ status: 200, via: undefined });
  expect(polled.body.toString()).toContain('Authentication required');
  return sent;
}

/** A multipart upload written in one piece, so that the server's first read holds the file's first (non-UTF-8) bytes. */
function uploadInOneWrite(port: number, token: string, chatId: number, file: Buffer): Promise<{ status: number; body: string }> {
  const boundary = `cluster${randomBytes(8).toString('hex')}`;
  const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const body = Buffer.concat([
    Buffer.from(field('entity_type', 'chat') + field('entity_id', String(chatId))),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.png"\r\nContent-Type: image/png\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const head = Buffer.from(
    `POST /api/documents/upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
  );
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(Buffer.concat([head, body])));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const [statusLine] = text.split('\r\n');
      resolve({ status: Number(statusLine.split(' ')[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

/** Sends a message over HTTP on a connection of its own; returns the answer's id and the pid of the worker that took it. */
async function sendMessage(app: ClusterApp, token: string, chatId: number, content: string): Promise<{ id: number; pid: number }> {
  const requestId = `send-${randomBytes(6).toString('hex')}`;
  const sent = await httpRequest(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'X-Request-Id': requestId },
    body: JSON.stringify({ chat_id: chatId, content }),
  });
  expect(sent.status).toBe(201);
  return { id: JSON.parse(sent.body.toString()).assistant_message.id, pid: await pidOfRequest(app, requestId) };
}

function indexOfPid(app: ClusterApp, pid: number): number {
  const entry = [...app.workerPids()].find(([, workerPid]) => workerPid === pid);
  if (!entry) throw new Error(`pid ${pid} is no worker of ${JSON.stringify([...app.workerPids()])}`);
  return entry[0];
}

describeShared('Serving with two workers (WEB_CONCURRENCY=2)', () => {
  let sim: LlmSimulator;
  let app: ClusterApp;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    sim = await startSimulator();
    app = await startClusterApp({ ...simulatorEnv(sim), ...PATIENT_LLM });
  });
  afterEach(() => {
    sim.reset();
    sockets.splice(0).forEach((socket) => socket.close());
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
  });

  async function socketOn(token: string, transports?: string[]): Promise<ClientSocket> {
    const socket = transports ? await connectWith(app.url, token, transports) : (await connectSocket(app.url, { auth: { token } })).socket;
    sockets.push(socket);
    return socket;
  }

  it('runs two worker processes besides the primary, and spreads new connections over both', async () => {
    const workers = app.workerPids();
    expect([...workers.keys()].sort()).toEqual([0, 1]);
    expect(new Set(workers.values()).size).toBe(2);
    expect([...workers.values()]).not.toContain(app.primaryPid);
    const served = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const requestId = `probe-${i}-${randomBytes(4).toString('hex')}`;
      const response = await httpRequest(`${app.url}/api/health`, { headers: { 'X-Request-Id': requestId } });
      expect(response.status).toBe(200);
      served.add(await pidOfRequest(app, requestId));
    }
    expect(served).toEqual(new Set(workers.values()));
  });

  it("routes each Engine.IO request to the worker holding its session, whatever the connection's first worker", async () => {
    const handshakes = [];
    for (let i = 0; i < 4; i++) handshakes.push(await engineHandshake(app.url));
    expect(new Set(handshakes.map(({ sid }) => workerOfEngineId(sid)))).toEqual(new Set([0, 1]));
    // Each long-poll answer closes its connection, so the next poll is routed by its own sid.
    expect(handshakes.map(({ connection }) => connection)).toEqual(['close', 'close', 'close', 'close']);
    for (const { sid } of handshakes) expect((await expectSessionAnswers(app.url, sid)).headers.via).toBeUndefined();

    // A keep-alive connection first used for the HTTP API, then for a poll of a session held by the other worker.
    let foreign = 0;
    for (let i = 0; i < 4; i++) {
      const { sid } = await engineHandshake(app.url);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const requestId = `pin-${i}-${randomBytes(4).toString('hex')}`;
      expect((await httpRequest(`${app.url}/api/health`, { headers: { 'X-Request-Id': requestId }, agent })).status).toBe(200);
      const first = indexOfPid(app, await pidOfRequest(app, requestId));
      const sent = await expectSessionAnswers(app.url, sid, agent);
      expect(sent.reusedSocket).toBe(true);
      // Passed on to the session's worker when the connection's worker is another one.
      const passedOn = first !== workerOfEngineId(sid);
      expect(sent.headers.via).toBe(passedOn ? '1.1 foyergpt-worker' : undefined);
      if (passedOn) foreign++;
      agent.destroy();
    }
    expect(foreign).toBeGreaterThan(0);
  });

  it('streams an answer to a socket on the polling transport only, over many polls', async () => {
    const { user, chatId } = await userWithChat(app.client, {}, 'Polling');
    sim.reply = () => Array.from({ length: 30 }, (_, i) => `p${i}`).join(' ');
    sim.interTokenMs = 20;
    const socket = await socketOn(user.token, ['polling']);
    const engine = socket.io.engine as unknown as { transport: { name: string; on: (event: string, listener: () => void) => void } };
    let polls = 0;
    engine.transport.on('poll', () => polls++);
    const disconnects: string[] = [];
    socket.on('disconnect', (reason) => disconnects.push(reason));
    await requestOk(socket, 'join_chat', { chat_id: chatId });
    const received: Token[] = [];
    socket.on('message_token', (token) => received.push(token));
    const done = once(socket, 'message_done', 15_000);
    await sendMessage(app, user.token, chatId, 'poll me');
    expectContinuous(received);
    const final = (await done).message;
    expect(received.map((token) => token.delta).join('')).toBe(final.content);
    expect(final.status).toBe('complete');
    expect(engine.transport.name).toBe('polling');
    expect(polls).toBeGreaterThan(3);
    expect(disconnects).toEqual([]);
  });

  it('upgrades sockets with the default transports from polling to WebSocket, on both workers', async () => {
    const { user, chatId } = await userWithChat(app.client, {}, 'Upgrade');
    const room: ClientSocket[] = [];
    for (let i = 0; i < 4; i++) {
      const socket = await socketOn(user.token, ['polling', 'websocket']);
      const engine = socket.io.engine as unknown as { transport: { name: string }; once: (event: string, listener: (error?: Error) => void) => void };
      // The upgrade request comes on a new connection: one sent to another worker than the session's fails.
      if (engine.transport.name !== 'websocket') {
        await new Promise<void>((resolve, reject) => {
          engine.once('upgrade', () => resolve());
          engine.once('upgradeError', (error) => reject(error ?? new Error('upgrade failed')));
        });
      }
      expect(engine.transport.name).toBe('websocket');
      room.push(socket);
    }
    expect(new Set(room.map(workerOfSocket))).toEqual(new Set([0, 1]));
    for (const socket of room) await requestOk(socket, 'join_chat', { chat_id: chatId });
    const ends = room.map((socket) => once(socket, 'message_done', 10_000));
    await sendMessage(app, user.token, chatId, 'upgraded');
    for (const end of await Promise.all(ends)) expect(end.message).toMatchObject({ status: 'complete', content: 'Echo: upgraded' });
  });

  it('streams an answer generated on one worker to sockets on both; a socket on the other resumes and stops it', async () => {
    const { user, chatId } = await userWithChat(app.client, {}, 'Across');
    const room: ClientSocket[] = [];
    for (let i = 0; i < 4; i++) room.push(await socketOn(user.token));
    expect(new Set(room.map((socket) => workerOfSocket(socket)))).toEqual(new Set([0, 1]));
    for (const socket of room) await requestOk(socket, 'join_chat', { chat_id: chatId });

    sim.reply = () => Array.from({ length: 20 }, (_, i) => `s${i}`).join(' ');
    sim.enqueueFault({ type: 'stall', afterTokens: 6 });
    const live = room.map((socket) => collect(socket, 'message_token', (token) => token.seq === 6, 15_000));
    const { id, pid } = await sendMessage(app, user.token, chatId, 'stall after six');
    for (const tokens of await Promise.all(live)) expectContinuous(tokens);

    const generator = indexOfPid(app, pid);
    const elsewhere = room.find((socket) => workerOfSocket(socket) !== generator)!;
    const replayed = collect(elsewhere, 'message_token', (token) => token.seq === 6);
    const resumed = await requestOk(elsewhere, 'resume', { chat_id: chatId, after_seq: 2 });
    expect(resumed).toMatchObject({ message_id: id });
    expect(resumed.replayed).toBeGreaterThan(0);
    expectReplayAfter(await replayed, 2);

    const ends = room.map((socket) => once(socket, 'message_done', 10_000));
    const stopped = await requestOk(elsewhere, 'stop_generation', { message_id: id });
    expect(stopped.message).toMatchObject({ id, status: 'stopped' });
    for (const end of await Promise.all(ends)) expect(end.message).toMatchObject({ id, status: 'stopped' });
  });

  it('streams an answer over SSE', async () => {
    const { user, chatId } = await userWithChat(app.client, {}, 'SSE');
    sim.ttftMs = 300;
    sim.interTokenMs = 5;
    await sendMessage(app, user.token, chatId, 'over sse');
    const { status, events } = await readSse(`${app.url}/api/messages/stream/${chatId}`, {
      headers: { Authorization: `Bearer ${user.token}` },
      until: (event) => event.event !== 'token',
    });
    expect(status).toBe(200);
    const tokens = events.filter((event) => event.event === 'token').map((event) => event.data as Token);
    expectContinuous(tokens);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.data).toMatchObject({ status: 'complete', content: 'Echo: over sse' });
    expect(tokens.map((token) => token.delta).join('')).toBe('Echo: over sse');
  });

  it('hands over an upload whose first bytes are binary, intact', async () => {
    const { user, chatId } = await userWithChat(app.client, {}, 'Upload');
    const png = await textImage(Array.from({ length: 40 }, (_, i) => `Line ${i} of a scanned page, ${randomBytes(6).toString('hex')}`));
    expect(png.subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const uploaded = await uploadInOneWrite(app.port, user.token, chatId, png);
    expect(uploaded.status).toBe(201);
    const { id } = JSON.parse(uploaded.body) as { id: number };
    const download = await httpRequest(`${app.url}/api/documents/${id}`, { headers: { Authorization: `Bearer ${user.token}` } });
    expect(download.status).toBe(200);
    const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect({ length: download.body.length, hash: sha256(download.body) }).toEqual({ length: png.length, hash: sha256(png) });
  });

  it('replaces a worker killed with SIGKILL and keeps serving', async () => {
    const killed = app.workerPids().get(0)!;
    process.kill(killed, 'SIGKILL');
    await app.waitForOutput(new RegExp(`API worker 0 \\(pid ${killed}\\) ended \\(signal SIGKILL\\); starting another`));
    const replacement = await waitFor(
      async () => app.workerPids().get(0),
      (pid) => pid !== undefined && pid !== killed,
      30_000,
    );
    const served = new Set<number>();
    for (let i = 0; i < 4; i++) {
      const requestId = `after-kill-${i}-${randomBytes(4).toString('hex')}`;
      expect((await httpRequest(`${app.url}/api/health`, { headers: { 'X-Request-Id': requestId } })).status).toBe(200);
      served.add(await pidOfRequest(app, requestId));
    }
    expect(served).toEqual(new Set([replacement, app.workerPids().get(1)]));
    const user = await signUp(app.client);
    expect((await socketOn(user.token)).connected).toBe(true);
  });
});

describeShared('Stopping the workers (SIGTERM to the primary)', () => {
  it('lets every worker end its answers `interrupted`, then exits 0', async () => {
    const sim = await startSimulator();
    const environment = await testEnvironment();
    try {
      const app = await startClusterApp({ ...simulatorEnv(sim), ...PATIENT_LLM }, { environment });
      const { user, chatId } = await userWithChat(app.client, {}, 'Shutdown');
      sim.reply = () => Array.from({ length: 20 }, (_, i) => `s${i}`).join(' ');
      sim.enqueueFault({ type: 'stall', afterTokens: 3 });
      const { id } = await sendMessage(app, user.token, chatId, 'stall');
      const row = async () => (await queryDatabase<{ status: string; content: string }>(app, 'SELECT status, content FROM messages WHERE id = $1', [id]))[0];
      // Mid-answer: streaming, with its first tokens saved.
      await waitFor(row, (current) => current.status === 'streaming' && current.content.length > 0);
      const exit = await app.stop('SIGTERM');
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      expect(exit.stdout).toMatch(/SIGTERM: stopping 2 API workers/);
      expect(await row()).toEqual({ status: 'interrupted', content: 's0 s1 s2' });
    } finally {
      await environment.dispose();
      await sim.close();
    }
  });
});

describeShared('A worker that keeps dying soon after it starts', () => {
  it('is replaced a few times, then the primary stops all and exits 1 with the reason', async () => {
    const app = await startClusterApp();
    try {
      let ended = false;
      void app.exit.then(() => (ended = true));
      for (let kills = 0; kills < 5 && !ended; kills++) {
        const doomed = app.workerPids().get(0)!;
        process.kill(doomed, 'SIGKILL');
        await waitFor(
          async () => ended || app.workerPids().get(0) !== doomed,
          (moved) => moved,
          30_000,
        );
      }
      const exit = await app.exit;
      expect(exit.code).toBe(1);
      expect(exit.stdout).toMatch(/API worker 0 \(pid \d+\) ended \(signal SIGKILL\); 3 workers in a row died within 10 s of starting: stopping/);
      expect(exit.stdout).toMatch(/crash loop: stopping 1 API workers/);
    } finally {
      await app.close();
    }
  });
});

describeShared('Refusing WEB_CONCURRENCY it cannot honour', () => {
  beforeAll(() => ensureBuilt());

  async function refusal(env: Record<string, string | undefined>): Promise<string> {
    const environment = await testEnvironment();
    try {
      const exit = await runBuilt(ENTRY.api, { ...environment.env, HOST: '127.0.0.1', PORT: '0', ...env }, { cwd: process.cwd(), timeoutMs: 60_000 }).exit;
      expect(exit.code).toBe(1);
      return exit.stderr.trim();
    } finally {
      await environment.dispose();
    }
  }

  it('refuses several workers without Redis or without a database server, saying what to set', async () => {
    expect(await refusal({ WEB_CONCURRENCY: '2', REDIS_URL: '' })).toMatch(
      /^FoyerGPT API could not start: WEB_CONCURRENCY=2 runs 2 API workers, .*: set REDIS_URL, or set WEB_CONCURRENCY=1$/,
    );
    expect(await refusal({ WEB_CONCURRENCY: '3', DATABASE_URL: '' })).toMatch(/could not start: WEB_CONCURRENCY=3 .*: set DATABASE_URL, or set WEB_CONCURRENCY=1$/);
  });

  it('names a WEB_CONCURRENCY that is not a number of workers', async () => {
    expect(await refusal({ WEB_CONCURRENCY: 'auto' })).toBe(
      'FoyerGPT API could not start: invalid configuration: WEB_CONCURRENCY: must be an integer (got "auto")',
    );
    expect(await refusal({ WEB_CONCURRENCY: '0' })).toMatch(/WEB_CONCURRENCY: must be between 1 and 64 \(got "0"\)$/);
  });
});
