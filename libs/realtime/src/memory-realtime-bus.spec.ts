import { logKey, topic } from './realtime-bus';
import { MemoryRealtimeBus } from './memory-realtime-bus';

describe('MemoryRealtimeBus logs', () => {
  const feed = topic<{ text: string }>('feed');
  const log = (name: string) => ({ key: logKey<{ text: string }>(name), ttlSeconds: 3600, renewTtl: true });

  it('keeps logs within their bound in bytes, dropping the oldest first and never the one being written', async () => {
    // About 10 KB a message: room for some ten.
    const bus = new MemoryRealtimeBus(100_000);
    const message = { text: 'x'.repeat(5_000) };
    for (let i = 0; i < 6; i++) await bus.publish(feed, message, log('a'));
    for (let i = 0; i < 6; i++) await bus.publish(feed, message, log('b'));
    expect(await bus.readLog(log('a').key, 0)).toEqual([]);
    expect(await bus.readLog(log('b').key, 0)).toHaveLength(6);

    // A single log past the bound is kept whole while it is written.
    for (let i = 0; i < 12; i++) await bus.publish(feed, message, log('c'));
    expect(await bus.readLog(log('b').key, 0)).toEqual([]);
    expect(await bus.readLog(log('c').key, 0)).toHaveLength(12);
  });

  it('reads a log from an index, as Redis lists do', async () => {
    const bus = new MemoryRealtimeBus();
    for (const text of ['a', 'b', 'c']) await bus.publish(feed, { text }, log('d'));
    expect(await bus.readLog(log('d').key, 1)).toEqual([{ text: 'b' }, { text: 'c' }]);
  });
});
