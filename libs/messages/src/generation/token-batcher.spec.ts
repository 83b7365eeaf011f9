import { TokenBatcher } from './token-batcher';
import type { TokenBatch } from './token-batcher';

describe('TokenBatcher', () => {
  let sent: TokenBatch[];
  let batcher: TokenBatcher;

  beforeEach(() => {
    jest.useFakeTimers();
    sent = [];
    batcher = new TokenBatcher(async (batch) => void sent.push({ ...batch }), 10, 20);
  });
  afterEach(() => jest.useRealTimers());

  it('sends the first token at once, and each later one within the window with those behind it', async () => {
    batcher.add(1, 'a');
    expect(sent).toEqual([{ firstSeq: 1, seq: 1, delta: 'a' }]);
    jest.advanceTimersByTime(3);
    batcher.add(2, 'b');
    batcher.add(3, 'c');
    jest.advanceTimersByTime(9);
    expect(sent).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([
      { firstSeq: 1, seq: 1, delta: 'a' },
      { firstSeq: 2, seq: 3, delta: 'bc' },
    ]);
    jest.advanceTimersByTime(50);
    batcher.add(4, 'd');
    expect(sent).toHaveLength(2);
    jest.advanceTimersByTime(10);
    expect(sent.at(-1)).toEqual({ firstSeq: 4, seq: 4, delta: 'd' });
    await batcher.drain();
  });

  it('sends a batch as soon as it holds the most text allowed', () => {
    batcher.add(1, 'a');
    batcher.add(2, 'x'.repeat(12));
    batcher.add(3, 'y'.repeat(12));
    expect(sent.map((batch) => [batch.firstSeq, batch.seq])).toEqual([
      [1, 1],
      [2, 3],
    ]);
  });

  it('drain sends what is held and reports a failed send', async () => {
    batcher.add(1, 'a');
    batcher.add(2, 'b');
    await batcher.drain();
    expect(sent.map((batch) => batch.delta)).toEqual(['a', 'b']);

    const failing = new TokenBatcher(() => Promise.reject(new Error('bus down')), 10, 20);
    failing.add(1, 'a');
    await expect(failing.drain()).rejects.toThrow('bus down');
    expect(() => failing.add(2, 'b')).toThrow('bus down');
  });
});
