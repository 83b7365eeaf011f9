import { canRunPrivateRedis, PrivateRedis } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';

// Needs a Redis of its own to stop; runs where the suite runs against Redis (CI).
const describeWithRedis = canRunPrivateRedis ? describe : describe.skip;

describeWithRedis('Redis outage', () => {
  let redis: PrivateRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    t = await startTestApp({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await redis.stop();
    await t.close();
  });

  it('reports Redis down on readiness without crashing, and keeps serving', async () => {
    await t.http().get('/api/health/ready').expect(200);
    await redis.stop();

    const ready = await t.http().get('/api/health/ready').expect(503);
    expect(ready.body).toEqual({
      detail: 'Not ready: redis down',
      checks: { database: 'up', redis: 'down', llm: 'disabled' },
    });
    await t.http().get('/api/health').expect(200);
  });
});
