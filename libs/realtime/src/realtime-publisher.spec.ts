import { MemoryRealtimeBus } from './memory-realtime-bus';
import { logKey, topic } from './realtime-bus';
import { RealtimePublisher } from './realtime-publisher';
import type { RoomMessage } from './realtime-publisher';

describe('RealtimePublisher on the in-process bus', () => {
  it('hands each room message to the socket server here at once, with the room named once', async () => {
    const publisher = new RealtimePublisher(new MemoryRealtimeBus());
    const received: RoomMessage[] = [];
    await publisher.onRoomMessage((message) => received.push(message));

    publisher.toUser(7).emit('document_status', { id: 1, status: 'ready', progress: 1 });
    publisher.toChat(3).except('socket-a').emit('user_typing', { chat_id: 3, user_id: 7, trigramme: 'ABC', is_typing: true });
    publisher.toSession('s-1').disconnect();

    expect(received).toEqual([
      { room: 'user_7', event: { name: 'document_status', payload: { id: 1, status: 'ready', progress: 1 } } },
      { room: 'chat_3', except: 'socket-a', event: { name: 'user_typing', payload: { chat_id: 3, user_id: 7, trigramme: 'ABC', is_typing: true } } },
      { room: 'session_s-1', disconnect: true },
    ]);
  });
});

describe('MemoryRealtimeBus', () => {
  afterEach(() => jest.useRealTimers());

  it('logs before delivering, reads a log from an index, and forgets it a TTL after its last renewal', async () => {
    jest.useFakeTimers();
    const bus = new MemoryRealtimeBus();
    const feed = topic<number>('feed');
    const log = logKey<number>('log');
    const seen: number[][] = [];
    const unsubscribe = await bus.subscribe(feed, () => void bus.readLog(log, 0).then((entries) => seen.push(entries)));
    for (const n of [1, 2, 3]) await bus.publish(feed, n, { key: log, ttlSeconds: 60, renewTtl: n === 1 || n === 3 });
    await unsubscribe();
    await bus.publish(feed, 4);

    expect(seen).toEqual([[1], [1, 2], [1, 2, 3]]);
    expect(await bus.readLog(log, 1)).toEqual([2, 3]);
    jest.advanceTimersByTime(60_000);
    expect(await bus.readLog(log, 0)).toEqual([]);
  });
});
