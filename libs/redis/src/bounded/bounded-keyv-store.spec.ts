import { Keyv } from 'keyv';
import { BoundedKeyvStore } from './bounded-keyv-store';

describe('BoundedKeyvStore', () => {
  afterEach(() => jest.useRealTimers());

  it('serves Keyv entries until they are evicted for room, least recently used first', async () => {
    const keyv = new Keyv({ store: new BoundedKeyvStore(10_000), useKeyPrefix: false });
    for (let i = 0; i < 10; i++) await keyv.set(`catalogue:${i}`, 'x'.repeat(1000));
    expect(await keyv.get('catalogue:9')).toBe('x'.repeat(1000));
    expect(await keyv.get('catalogue:0')).toBeUndefined();
  });

  it('gives entries the lifetime Keyv sets, so they expire in the store itself (and its sweep drops them unread)', async () => {
    jest.useFakeTimers();
    const store = new BoundedKeyvStore(1_000_000);
    const keyv = new Keyv({ store, useKeyPrefix: false });
    for (let i = 0; i < 50; i++) await keyv.set(`agents:group:old:${i}`, [i], 1_000);
    jest.advanceTimersByTime(60_000);
    expect(store.get('agents:group:old:0')).toBeUndefined();
    expect(store.get('agents:group:old:49')).toBeUndefined();
  });
});
