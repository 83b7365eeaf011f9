import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import type { GenerationEvent } from '#messages';
import { GenerationEvents } from '#messages';
import { RedisRealtimeBus } from '#realtime';
import { closeRedis, createRedisClient } from '#redis';
import { deleteRedisKeys } from '../support/test-app';

// Needs Redis: runs where the suite runs against it (CI).
const describeWithRedis = process.env.REDIS_URL ? describe : describe.skip;

const token = (seq: number, messageId = 7, chatId = 3): GenerationEvent => ({
  type: 'token',
  chat_id: chatId,
  message_id: messageId,
  first_seq: seq,
  seq,
  delta: `t${seq} `,
});

describeWithRedis('Answer events through Redis (batched, delivered once, replayable)', () => {
  const url = process.env.REDIS_URL!;
  const prefix = `foyergpt-test:${randomBytes(4).toString('hex')}:`;
  const clients: Redis[] = [];
  // One instance: a command connection and a subscriber, as the API has.
  const instance = () => {
    const [redis, subscriber] = [createRedisClient(url, 'test'), createRedisClient(url, 'test-sub')];
    clients.push(redis, subscriber);
    return new GenerationEvents(new RedisRealtimeBus(redis, () => subscriber, prefix));
  };

  afterAll(async () => {
    await Promise.all(clients.map(closeRedis));
    await deleteRedisKeys(url, prefix);
  });

  it('replays events still queued behind a write in flight, in order', async () => {
    const events = instance();
    const published = [1, 2, 3, 4, 5].map((seq) => events.publish(token(seq, 11)));
    // Read while most of them are queued: they must come from the queue, not be missed.
    const early = await events.history(11, 0);
    await Promise.all(published);
    expect(early.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await events.history(11, 2)).map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it('delivers each event once to listeners on the publishing instance and on another one', async () => {
    const [a, b] = [instance(), instance()];
    const onA: number[] = [];
    const onB: number[] = [];
    await a.subscribe(21, (event) => onA.push(event.seq));
    await b.subscribe(21, (event) => onB.push(event.seq));
    await Promise.all([1, 2, 3].map((seq) => a.publish(token(seq, 22, 21))));
    // Local listeners have them at once; the other instance through the channel.
    expect(onA).toEqual([1, 2, 3]);
    for (let i = 0; i < 50 && onB.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(onB).toEqual([1, 2, 3]);
    // Our own echo from the channel is not delivered a second time.
    expect(onA).toEqual([1, 2, 3]);
  });
});
