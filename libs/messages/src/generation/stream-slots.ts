import { Inject, Injectable } from '@nestjs/common';
import { TooManyRequestsError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';

const RETRY_AFTER_SECONDS = 5;

/** Answer streams each user holds open on this instance, at most MAX_STREAMS_PER_USER. */
@Injectable()
export class StreamSlots {
  private readonly open = new Map<number, number>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Takes one of the user's slots (429 when none is left); call the returned function to give it back. */
  take(userId: number): () => void {
    const limit = this.config.limits.streamsPerUser;
    const count = this.open.get(userId) ?? 0;
    if (count >= limit) {
      throw new TooManyRequestsError(RETRY_AFTER_SECONDS, `Too many answer streams open (at most ${limit}): close one first`);
    }
    this.open.set(userId, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(userId) ?? 1) - 1;
      if (left > 0) this.open.set(userId, left);
      else this.open.delete(userId);
    };
  }
}
