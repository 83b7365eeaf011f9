import { Logger } from '@nestjs/common';
import type { BreakerSettings } from './breaker-policy';
import { MemoryBreakers } from './memory-breakers';

const settings: BreakerSettings = {
  consecutiveFailures: 3,
  failurePercent: 50,
  windowSeconds: 60,
  minRequests: 6,
  cooldownSeconds: 30,
  probeLeaseMs: 70_000,
};

async function fail(breakers: MemoryBreakers, endpoint: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await breakers.failed(endpoint);
}

describe('MemoryBreakers', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('opens after LLM_BREAKER_FAILURES failures in a row, for that endpoint only, and says so once', async () => {
    const breakers = new MemoryBreakers(settings);
    await fail(breakers, 'a', 2);
    await breakers.succeeded('a'); // breaks the run
    await fail(breakers, 'a', 2);
    expect(await breakers.admit('a')).toBe(true);
    await breakers.failed('a');
    expect(await breakers.admit('a')).toBe(false);
    expect(await breakers.admit('b')).toBe(true);
    expect(await breakers.states(['a', 'b'])).toEqual({ a: 'open', b: 'closed' });
    expect(Logger.prototype.warn).toHaveBeenCalledTimes(1);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('"a"'));
  });

  it('after the cool-down admits one probe at a time; its success closes the breaker', async () => {
    const breakers = new MemoryBreakers(settings);
    await fail(breakers, 'a', 3);
    jest.advanceTimersByTime(29_000);
    expect(await breakers.admit('a')).toBe(false);
    jest.advanceTimersByTime(1_000);
    expect(await breakers.states(['a'])).toEqual({ a: 'half_open' });
    expect(await breakers.admit('a')).toBe(true);
    expect(await breakers.admit('a')).toBe(false);
    await breakers.succeeded('a');
    expect(await breakers.states(['a'])).toEqual({ a: 'closed' });
    expect(await breakers.admit('a')).toBe(true);
    expect(Logger.prototype.log).toHaveBeenCalledWith(expect.stringContaining('closed'));
  });

  it('reopens for another cool-down when the probe fails', async () => {
    const breakers = new MemoryBreakers(settings);
    await fail(breakers, 'a', 3);
    jest.advanceTimersByTime(30_000);
    expect(await breakers.admit('a')).toBe(true);
    await breakers.failed('a');
    expect(await breakers.states(['a'])).toEqual({ a: 'open' });
    jest.advanceTimersByTime(29_000);
    expect(await breakers.admit('a')).toBe(false);
    jest.advanceTimersByTime(1_000);
    expect(await breakers.admit('a')).toBe(true);
  });

  it('lets another caller probe when a probe never reports', async () => {
    const breakers = new MemoryBreakers(settings);
    await fail(breakers, 'a', 3);
    jest.advanceTimersByTime(30_000);
    expect(await breakers.admit('a')).toBe(true);
    jest.advanceTimersByTime(settings.probeLeaseMs - 1);
    expect(await breakers.admit('a')).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await breakers.admit('a')).toBe(true);
  });

  it('ignores the outcomes of calls made before it opened', async () => {
    const breakers = new MemoryBreakers(settings);
    await fail(breakers, 'a', 3);
    await breakers.succeeded('a');
    await breakers.failed('a');
    expect(await breakers.states(['a'])).toEqual({ a: 'open' });
    jest.advanceTimersByTime(30_000);
    expect(await breakers.admit('a')).toBe(true); // the cool-down was not extended
  });

  it('opens when LLM_BREAKER_FAILURE_PERCENT of at least LLM_BREAKER_MIN_REQUESTS calls in the window failed', async () => {
    const breakers = new MemoryBreakers(settings);
    for (const ok of [true, false, true, false, true]) await (ok ? breakers.succeeded('a') : breakers.failed('a'));
    expect(await breakers.states(['a'])).toEqual({ a: 'closed' }); // 2 of 5: too few calls to judge
    await breakers.failed('a');
    expect(await breakers.states(['a'])).toEqual({ a: 'open' }); // 3 of 6
  });

  it('keeps the breaker closed below the percentage, with calls out of the window, or with the rule off', async () => {
    const below = new MemoryBreakers(settings);
    for (const ok of [true, true, false, true, true, false, true, false]) await (ok ? below.succeeded('a') : below.failed('a'));
    const aged = new MemoryBreakers(settings);
    for (const ok of [true, false, true, false, true]) await (ok ? aged.succeeded('a') : aged.failed('a'));
    jest.advanceTimersByTime(61_000);
    await aged.failed('a');
    const off = new MemoryBreakers({ ...settings, failurePercent: 0 });
    for (let i = 0; i < 10; i++) {
      await off.succeeded('a');
      await fail(off, 'a', 2);
    }
    for (const breakers of [below, aged, off]) expect(await breakers.states(['a'])).toEqual({ a: 'closed' });
  });
});
