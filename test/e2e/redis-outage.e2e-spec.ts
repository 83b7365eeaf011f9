import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { startTestApp, TestApp } from '../support/test-app';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
// Needs a Redis of its own to stop; runs where the suite runs against Redis (CI).
const describeWithRedis = process.env.REDIS_URL && hasRedisServer ? describe : describe.skip;

describeWithRedis('Redis outage', () => {
  let redis: ChildProcess;
  let t: TestApp;

  beforeAll(async () => {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    redis.kill('SIGKILL');
    await t.close();
  });

  it('reports Redis down on readiness without crashing, and keeps serving', async () => {
    await t.http().get('/api/health/ready').expect(200);
    redis.kill('SIGKILL');
    await new Promise((resolve) => redis.once('exit', resolve));

    const ready = await t.http().get('/api/health/ready').expect(503);
    expect(ready.body).toEqual({
      detail: 'Not ready: redis down',
      checks: { database: 'up', redis: 'down', llm: 'disabled' },
    });
    await t.http().get('/api/health').expect(200);
  });
});
