import { Injectable } from '@nestjs/common';
import { TooManyRequestsError } from '#common';

/**
 * Completions in progress per user, capped like a chat's answers in progress
 * (MAX_CONCURRENT_GENERATIONS). Counted in this instance's memory: an API
 * completion leaves no row to count across instances, so behind N instances a
 * user may run up to N times the cap.
 */
@Injectable()
export class ConcurrentCompletions {
  private readonly running = new Map<number, number>();

  /** Takes a slot, or throws 429; the returned function gives it back (once, however often it is called). */
  acquire(userId: number, cap: number): () => void {
    const count = this.running.get(userId) ?? 0;
    if (count >= cap) throw new TooManyRequestsError(5, 'Too many completions in progress; wait for one to finish');
    this.running.set(userId, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(userId) ?? 1) - 1;
      if (left > 0) this.running.set(userId, left);
      else this.running.delete(userId);
    };
  }
}
