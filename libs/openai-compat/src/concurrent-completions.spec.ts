import { TooManyRequestsError } from '#common';
import { ConcurrentCompletions } from './concurrent-completions';

describe('ConcurrentCompletions', () => {
  it('caps completions in progress per user, and a slot given back twice counts once', () => {
    const slots = new ConcurrentCompletions();
    const first = slots.acquire(1, 2);
    slots.acquire(1, 2);
    expect(() => slots.acquire(1, 2)).toThrow(TooManyRequestsError);
    expect(() => slots.acquire(2, 2)).not.toThrow();
    first();
    first();
    slots.acquire(1, 2);
    expect(() => slots.acquire(1, 2)).toThrow(TooManyRequestsError);
  });
});
