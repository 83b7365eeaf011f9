import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';

/**
 * The epoch of a cache in Redis shared by every instance. A delete that
 * cannot reach Redis would leave a stale entry that Redis serves again once it
 * is back with its data. So each entry carries the epoch current when it was
 * written, and counts only while that epoch is current (read with the entry,
 * in one MGET). An instance starts a new epoch after each (re)connection and
 * after any delete it could not make, and trusts no entry until it has: in an
 * outage every instance reconnects, so the first one back disowns every entry
 * from before, whichever instance missed the delete and even if that instance
 * is gone. Simpler schemes fail here: a flush on reconnect is not atomic, and a
 * pending-delete list dies with its instance. (Epochs are random, not
 * counters, so a lost epoch key can never bring an old one back.)
 */
export class CacheEpoch {
  readonly key: string;
  private readonly logger: Logger;
  /** The epoch this instance writes under; undefined while it trusts no entry. */
  private current?: string;
  private distrusts = 0;
  private renewal?: Promise<void>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}epoch`;
    this.logger = new Logger(`CacheEpoch:${prefix}`);
    redis.on('ready', () => this.distrust());
    if (redis.status === 'ready') this.distrust();
  }

  /** The epoch to read and write under, or undefined (and a renewal started) while no entry may be trusted. */
  trusted(): string | undefined {
    if (this.current === undefined) this.renew();
    return this.current;
  }

  /**
   * Reads an entry's stored value with the epoch it must carry to count
   * (one MGET); undefined when no entry counts now or Redis cannot answer.
   */
  async read(entryKey: string): Promise<{ epoch: string; stored: string | null } | undefined> {
    const trustedBefore = this.trusted();
    if (!trustedBefore) return undefined;
    let epochInRedis: string | null;
    let stored: string | null;
    try {
      [epochInRedis, stored] = await this.redis.mget(this.key, entryKey);
    } catch {
      return undefined; // a miss: the caller's source of truth answers while Redis cannot
    }
    if (this.current !== trustedBefore) return undefined; // distrusted meanwhile
    if (epochInRedis === null) {
      this.distrust();
      return undefined;
    }
    this.current = epochInRedis; // follows an epoch another instance started
    return { epoch: epochInRedis, stored };
  }

  /** After a delete that may not have happened: no entry counts until a new epoch starts. */
  distrust(): void {
    this.current = undefined;
    this.distrusts += 1;
    this.renew();
  }

  /** Starts a new epoch; trust returns only if nothing was distrusted meanwhile. Retried by the next read. */
  private renew(): void {
    if (this.renewal) return;
    const distrustsBefore = this.distrusts;
    const epoch = randomBytes(8).toString('hex');
    this.renewal = this.redis
      .set(this.key, epoch)
      .then(
        () => {
          if (this.distrusts === distrustsBefore) this.current = epoch;
        },
        (error: unknown) => this.logger.debug({ err: error }, 'Could not start a cache epoch yet'),
      )
      .finally(() => (this.renewal = undefined));
  }
}
