import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { PayloadTooLargeError, RateLimiter, TooManyRequestsError } from '../../../../libs/common/src';
import { APP_CONFIG } from '../../../../libs/config/src';
import type { AppConfig } from '../../../../libs/config/src';
import { Document } from '../../../../libs/database/src';

// Two-key advisory locks live apart from the one-key ones (migrations, users).
const UPLOADS_LOCK_SPACE = 861_861_003;
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
        Number(error.headers['Retry-After']),
        `Too many uploads: at most ${limit} every ${windowSeconds} s; try again later`,
      );
    }
  }

  /** Serialises one user's uploads until the transaction ends, so checks and insert are one step. */
  async lock(manager: EntityManager, userId: number): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1, $2)', [UPLOADS_LOCK_SPACE, userId]);
  }

  /** Under the lock: 413 past the storage quota, 429 past the pending cap. */
  async admit(manager: EntityManager, userId: number, size: number): Promise<void> {
    const { userStorageQuotaBytes: quota, maxPendingDocumentsPerUser: maxPending } = this.config.limits;
    const usage = await manager
      .createQueryBuilder(Document, 'document')
      .select('COALESCE(SUM(document.file_size), 0)', 'used')
      .where('document.uploader_id = :userId', { userId })
      .getRawOne<{ used: string }>();
    const used = Number(usage?.used ?? 0);
    if (used + size > quota) {
      throw new PayloadTooLargeError(
        `Storage quota exceeded: used ${megabytes(used)} of ${megabytes(quota)} MB, and this file is ${megabytes(size)} MB; delete documents you no longer need`,
      );
    }
    const pending = await manager.countBy(Document, { uploader_id: userId, status: In(['pending', 'processing']) });
    if (pending >= maxPending) {
      throw new TooManyRequestsError(
        PENDING_RETRY_AFTER_SECONDS,
        `Too many documents waiting to be read (${pending}); upload more once some are ready`,
      );
    }
  }
}
