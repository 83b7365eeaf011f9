import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { TooManyRequestsError } from '../errors/domain-error';
import { asDomainError } from '../errors/temporarily-unavailable';

export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

export interface RateLimitRule {
  /** What is counted, e.g. `login:ip:10.0.0.1`. */
  key: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Fixed-window counters on the throttler storage (Redis when configured, so
 * every instance counts together). Used by routes whose key is not just the
 * caller's IP: login per account, messages per user.
 */
@Injectable()
export class RateLimiter {
  constructor(
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: ThrottlerStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Counts one hit; throws 429 with Retry-After once the limit is passed, and
   * 503 when the count cannot be kept (Redis down): a limit is never skipped.
   */
  async consume(rule: RateLimitRule): Promise<void> {
    const ttlMs = rule.windowSeconds * 1000;
    const record = await this.storage
      .increment(`${this.config.redisKeyPrefix}rate:${rule.key}`, ttlMs, rule.limit, ttlMs, 'app')
      .catch((error: unknown) => {
        throw asDomainError(error) ?? error;
      });
    if (record.isBlocked || record.totalHits > rule.limit) {
      const retryAfter = record.isBlocked ? record.timeToBlockExpire : record.timeToExpire;
      throw new TooManyRequestsError(retryAfter);
    }
  }
}
