import { Inject, Injectable } from '@nestjs/common';
import { PayloadTooLargeError, RateLimiter, TooManyRequestsError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import type { UploadUsage } from '#database';

const PENDING_RETRY_AFTER_SECONDS = 30;

const megabytes = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10}`;

/** Per-user upload rate, storage quota and cap on documents waiting for extraction. */
@Injectable()
export class UploadLimits {
  constructor(
    private readonly rateLimiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts one upload attempt; 429 past UPLOAD_RATE_LIMIT per UPLOAD_RATE_WINDOW. */
  async consumeRate(userId: number): Promise<void> {
    const { uploadsPerWindow: limit, uploadWindowSeconds: windowSeconds } = this.config.limits;
    try {
      await this.rateLimiter.consume({ key: `uploads:user:${userId}`, limit, windowSeconds });
    } catch (error) {
      if (!(error instanceof TooManyRequestsError)) throw error;
      throw new TooManyRequestsError(
        error.retryAfterSeconds,
        `Too many uploads: at most ${limit} every ${windowSeconds} s; try again later`,
      );
    }
  }

  /** 413 past the storage quota, 429 past the pending cap (usage read under the uploader's lock). */
  admit(usage: UploadUsage, size: number): void {
    const { userStorageQuotaBytes: quota, maxPendingDocumentsPerUser: maxPending } = this.config.limits;
    const used = usage.usedBytes;
    if (used + size > quota) {
      throw new PayloadTooLargeError(
        `Storage quota exceeded: used ${megabytes(used)} of ${megabytes(quota)} MB, and this file is ${megabytes(size)} MB; delete documents you no longer need`,
      );
    }
    if (usage.pending >= maxPending) {
      throw new TooManyRequestsError(
        PENDING_RETRY_AFTER_SECONDS,
        `Too many documents waiting to be read (${usage.pending}); upload more once some are ready`,
      );
    }
  }
}
