import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createRedisClient } from '#redis';
import type { BreakerSettings } from './breaker-policy';
import { CLOSED_CACHE_MS, RedisBreakers } from './redis-breakers';

const redisUrl = process.env.REDIS_URL;
const describeRedis = redisUrl ? describe : describe.skip;

const settings: BreakerSettings = {
  consecutiveFailures: 3,
  failurePercent: 50,
  windowSeconds: 60,
  minRequests: 6,
  cooldownSeconds: 0.4,
  probeLeaseMs: 5000,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeRedis('RedisBreakers shared by two instances', () => {
  let redis: Redis;
  let prefix: string;
  let one: RedisBreakers;
  let two: RedisBreakers;

  beforeAll(() => {
    redis = new Redis(redisUrl!);
  });
  afterAll(() => redis.quit());

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    prefix = `foyergpt-test:${randomBytes(4).toString('hex')}:breaker:`;
    one = new RedisBreakers(redis, prefix, settings);
    two = new RedisBreakers(redis, prefix, settings);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  });

  /** Waits past the cool-down (and past what each instance remembered). */
  const coolDown = () => sleep(settings.cooldownSeconds * 1000 + 50);

  it('counts failures from both instances; an opening on one is seen by the other; it is logged once', async () => {
    expect(await two.admit('a')).toBe(true);
    await one.failed('a');
    await two.failed('a');
    await one.failed('a');
    expect(await one.admit('a')).toBe(false);
    await sleep(CLOSED_CACHE_MS); // what `two` remembered of the closed breaker
    expect(await two.admit('a')).toBe(false);
    expect(await two.admit('b')).toBe(true);
    expect(await two.states(['a', 'b'])).toEqual({ a: 'open', b: 'closed' });
    expect(Logger.prototype.warn).toHaveBeenCalledTimes(1);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('"a": circuit breaker opened after 3 consecutive failures'));
  });

  it('after the cool-down admits exactly one probe across instances; its success closes the breaker everywhere', async () => {
    await Promise.all([one.failed('a'), one.failed('a'), two.failed('a')]);
    expect(await one.admit('a')).toBe(false);
    expect(await two.admit('a')).toBe(false);
    await coolDown();
    expect(await one.states(['a'])).toEqual({ a: 'half_open' });
    const admitted = await Promise.all([...Array(5)].flatMap(() => [one.admit('a'), two.admit('a')]));
    expect(admitted.filter(Boolean)).toHaveLength(1);
    const prober = admitted.indexOf(true) % 2 === 0 ? one : two;
    await prober.succeeded('a');
    expect(await two.states(['a'])).toEqual({ a: 'closed' });
    await sleep(CLOSED_CACHE_MS); // what the other one remembered of the probe in progress
    expect([await one.admit('a'), await two.admit('a')]).toEqual([true, true]);
    expect(Logger.prototype.log).toHaveBeenCalledTimes(1);
  });

  it('reopens for another cool-down when the probe fails', async () => {
    await Promise.all([one.failed('a'), one.failed('a'), one.failed('a')]);
    await coolDown();
    expect(await two.admit('a')).toBe(true);
    await two.failed('a');
    expect(await one.states(['a'])).toEqual({ a: 'open' });
    expect(await one.admit('a')).toBe(false);
    await coolDown();
    expect(await one.admit('a')).toBe(true);
  });

  it('lets another caller probe when a probe never reports', async () => {
    const lease = 300;
    [one, two] = [new RedisBreakers(redis, prefix, { ...settings, probeLeaseMs: lease }), new RedisBreakers(redis, prefix, { ...settings, probeLeaseMs: lease })];
    await Promise.all([one.failed('a'), one.failed('a'), one.failed('a')]);
    await coolDown();
    expect(await one.admit('a')).toBe(true);
    expect(await two.admit('a')).toBe(false);
    await sleep(lease + 50);
    expect(await two.admit('a')).toBe(true);
  });

  it('opens when LLM_BREAKER_FAILURE_PERCENT of at least LLM_BREAKER_MIN_REQUESTS calls failed, whichever instance saw them', async () => {
    for (const [breakers, ok] of [[one, true], [two, false], [one, true], [two, false], [two, true]] as const) {
      await (ok ? breakers.succeeded('a') : breakers.failed('a'));
    }
    expect(await one.states(['a'])).toEqual({ a: 'closed' }); // 2 of 5: too few calls to judge
    await one.failed('a');
    expect(await two.states(['a'])).toEqual({ a: 'open' }); // 3 of 6
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('3 of the last 6 calls failed'));
  });

  it('stays closed below the percentage', async () => {
    for (const ok of [true, true, false, true, true, false, true, false]) await (ok ? one.succeeded('a') : two.failed('a'));
    expect(await one.states(['a'])).toEqual({ a: 'closed' });
  });
});

describe('RedisBreakers without Redis', () => {
  it('admits every call, never throws, and reports every breaker closed', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const unreachable = createRedisClient(`redis://127.0.0.1:${port}`, 'breakers-test', { failFast: true });
    try {
      const breakers = new RedisBreakers(unreachable, 'foyergpt-test:breaker:', settings);
      for (let i = 0; i < 5; i++) await breakers.failed('a');
      await breakers.succeeded('a');
      expect(await breakers.admit('a')).toBe(true);
      expect(await breakers.states(['a'])).toEqual({ a: 'closed' });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('Circuit breakers cannot reach Redis'));
    } finally {
      unreachable.disconnect();
      warn.mockRestore();
    }
  });
});
