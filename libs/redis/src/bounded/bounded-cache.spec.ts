import { approximateBytes } from './approximate-bytes';
import { BoundedCache } from './bounded-cache';

// Values of 1 KB (512 characters), so that a bound in bytes is easy to reason about.
const kilobyte = (fill: string) => fill.repeat(512);

describe('BoundedCache', () => {
  afterEach(() => jest.useRealTimers());

  it('evicts the least recently used entries once the bytes bound is passed', () => {
    const cache = new BoundedCache<string, string>({ maxBytes: 3_500 });
    cache.set('a', kilobyte('a'));
    cache.set('b', kilobyte('b'));
    cache.set('c', kilobyte('c'));
    expect(cache.get('a')).toBe(kilobyte('a')); // now b is the least recently used
    cache.set('d', kilobyte('d'));

    expect(cache.has('b')).toBe(false);
    expect([cache.has('a'), cache.has('c'), cache.has('d')]).toEqual([true, true, true]);
    expect(cache.bytes).toBeLessThanOrEqual(3_500);
  });

  it('keeps many small entries under the same bytes bound that evicts a few large ones', () => {
    const cache = new BoundedCache<number, string>({ maxBytes: 3_500 });
    for (let i = 0; i < 20; i++) cache.set(i, 'x');
    expect(cache.size).toBe(20);
    cache.set(99, kilobyte('y').repeat(3));
    // Room was made from the oldest small entries only: the newest stay beside the large one.
    expect(cache.bytes).toBeLessThanOrEqual(3_500);
    expect([cache.has(0), cache.has(15), cache.has(19)]).toEqual([false, false, true]);
    expect(cache.get(99)).toHaveLength(1536);
  });

  it('evicts by count as well when maxEntries is set', () => {
    const cache = new BoundedCache<number, number>({ maxBytes: 1_000_000, maxEntries: 3 });
    for (let i = 1; i <= 5; i++) cache.set(i, i);
    expect(cache.size).toBe(3);
    expect([1, 2, 3, 4, 5].map((i) => cache.get(i))).toEqual([undefined, undefined, 3, 4, 5]);
  });

  it('refuses a value larger than the whole bound, and drops what the key held before', () => {
    const cache = new BoundedCache<string, string>({ maxBytes: 1_000 });
    cache.set('k', 'small');
    expect(cache.set('k', kilobyte('z'))).toBe(false);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });

  it('counts a replaced value once', () => {
    const cache = new BoundedCache<string, string>({ maxBytes: 10_000 });
    cache.set('k', kilobyte('a'));
    const once = cache.bytes;
    cache.set('k', kilobyte('b'));
    expect(cache.bytes).toBe(once);
    expect(cache.size).toBe(1);
  });

  it('does not serve an entry past its lifetime', () => {
    jest.useFakeTimers();
    const cache = new BoundedCache<string, string>({ maxBytes: 10_000, ttlMs: 1_000 });
    cache.set('short', 'v');
    cache.set('long', 'v', 5_000);
    jest.advanceTimersByTime(1_001);
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('long')).toBe('v');
  });

  it('drops expired entries that nobody reads again', () => {
    jest.useFakeTimers();
    const cache = new BoundedCache<number, string>({ maxBytes: 1_000_000, ttlMs: 1_000, sweepIntervalMs: 500 });
    for (let i = 0; i < 100; i++) cache.set(i, kilobyte('e'));
    cache.set(1000, 'kept', 60_000);
    jest.advanceTimersByTime(1_500);
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBeLessThan(200);
  });

  it('takes a value once', () => {
    const cache = new BoundedCache<string, string>({ maxBytes: 1_000 });
    cache.set('code', 'session');
    expect(cache.take('code')).toBe('session');
    expect(cache.take('code')).toBeUndefined();
  });
});

describe('approximateBytes', () => {
  it('grows with the content of strings, arrays, objects and buffers', () => {
    expect(approximateBytes('x'.repeat(1000))).toBeGreaterThanOrEqual(2000);
    expect(approximateBytes(Array.from({ length: 100 }, (_, i) => i))).toBeGreaterThanOrEqual(800);
    expect(approximateBytes({ ids: [1, 2, 3], json: 'y'.repeat(500) })).toBeGreaterThanOrEqual(1000);
    expect(approximateBytes(Buffer.alloc(4096))).toBeGreaterThanOrEqual(4096);
    const deep = { a: { b: { c: { d: 'z'.repeat(1000) } } } };
    expect(approximateBytes(deep)).toBeGreaterThanOrEqual(2000);
  });
});
