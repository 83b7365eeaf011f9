import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG } from '../../config/src';
import type { AppConfig } from '../../config/src';
import { BACKOFF_BASE_MS, bullPrefix, DEFAULT_ATTEMPTS, EnqueueOptions, JobQueue, QUEUE_NAME } from './job.types';

/** Producer side with Redis: jobs are stored in BullMQ and run by apps/worker. */
@Injectable()
export class BullJobQueue implements JobQueue, OnApplicationShutdown {
  private readonly queue: Queue;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.queue = new Queue(QUEUE_NAME, {
      connection: { url: config.redisUrl, maxRetriesPerRequest: 2 },
      prefix: bullPrefix(config.redisKeyPrefix),
    });
    // Connection errors are retried by ioredis; enqueue() rejects meanwhile.
    this.queue.on('error', () => undefined);
  }

  async enqueue(name: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
    await this.queue.add(name, payload, {
      jobId: options.jobId,
      attempts: options.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: 'exponential', delay: BACKOFF_BASE_MS },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
