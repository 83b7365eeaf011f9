import { DomainError, knownErrorReply, RateLimiter } from '#common';
import { startTestApp, TestApp } from '../support/test-app';

describe('RateLimiter (Redis when configured, memory otherwise)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('allows the limit, then answers 429 with Retry-After, per key', async () => {
    const limiter = t.app.get(RateLimiter);
    const rule = { key: 'test:alice', limit: 3, windowSeconds: 60 };
    for (let i = 0; i < 3; i++) await limiter.consume(rule);
    const refused = await limiter.consume(rule).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect(knownErrorReply(refused)?.status).toBe(429);
    const retryAfter = Number(knownErrorReply(refused)?.headers['Retry-After']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await expect(limiter.consume({ ...rule, key: 'test:bob' })).resolves.toBeUndefined();
  });
});
