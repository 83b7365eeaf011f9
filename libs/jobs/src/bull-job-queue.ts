import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { REDIS_DISCONNECT_TIMEOUT_MS } from '#redis';
import { BACKOFF_BASE_MS, bullPrefix, DEFAULT_ATTEMPTS, EnqueueOptions, JobQueue, JobQueueStatus, QUEUE_NAME } from './job.types';

/** Producer side with Redis: jobs are stored in BullMQ and run by apps/worker. */
@Injectable()
export class BullJobQueue implements JobQueue, OnApplicationShutdown {
  private queue?: Queue;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async enqueue(name: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
    await this.open().add(name, payload, {
      jobId: options.jobId,
      attempts: options.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: 'exponential', delay: BACKOFF_BASE_MS },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    });
  }

  /** Workers are the queue's named Redis clients (CLIENT LIST); waiting excludes delayed retries. */
  async status(): Promise<JobQueueStatus> {
    const queue = this.open();
    const [consumers, waiting] = await Promise.all([queue.getWorkersCount(), queue.getJobCountByTypes('waiting', 'prioritized')]);
    return { consumers, waiting };
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.queue) return;
    // Closing while the connection still initialises would reject its set-up commands.
    await this.queue.waitUntilReady().catch(() => undefined);
    await this.queue.close();
  }

  /** Opened on first use: an instance that never enqueues holds no connection. */
  private open(): Queue {
    if (!this.queue) {
      this.queue = new Queue(QUEUE_NAME, {
        connection: { url: this.config.redisUrl, maxRetriesPerRequest: 2, disconnectTimeout: REDIS_DISCONNECT_TIMEOUT_MS },
        prefix: bullPrefix(this.config.redisKeyPrefix),
      });
      // Connection errors are retried by ioredis; enqueue() rejects meanwhile.
      this.queue.on('error', () => undefined);
    }
    return this.queue;
  }
}
