import { MemorySessionCache } from './session-cache';
import type { CachedSession } from './session-cache';

const entry: CachedSession = { user: { id: 1, email: 'a@example.org', trigramme: 'AAA', is_admin: false }, expires_at: Date.now() + 60_000 };

describe('MemorySessionCache', () => {
  it('serves what was filled until it is dropped', async () => {
    const cache = new MemorySessionCache();
    await (await cache.lookup('s1')).fill?.(entry);
    expect((await cache.lookup('s1')).entry).toEqual(entry);
    await cache.drop(['s1']);
    expect((await cache.lookup('s1')).entry).toBeUndefined();
  });

  it('discards a fill whose database read raced a revocation', async () => {
    const cache = new MemorySessionCache();
    const lookup = await cache.lookup('s1'); // miss: the caller now reads the database...
    await cache.drop(['s1']); // ...while the session is revoked
    await lookup.fill?.(entry);
    expect((await cache.lookup('s1')).entry).toBeUndefined();
  });

  it('forgets the least recently used sessions past its bound instead of growing with every session seen', async () => {
    const cache = new MemorySessionCache();
    for (let i = 0; i < 50_000; i++) await (await cache.lookup(`s${i}`)).fill?.(entry);
    expect((await cache.lookup('s0')).entry).toBeUndefined();
    expect((await cache.lookup('s49999')).entry).toEqual(entry);
  });
});
