import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { REDIS_DISCONNECT_TIMEOUT_MS } from '#redis';
import { bullPrefix, JOB_CONCURRENCY, JobHandler, QUEUE_NAME } from './job.types';
import { JobRegistry } from './job-registry';

/** Consumer side with Redis, run by apps/worker: executes queued jobs and the repeating ones. */
@Injectable()
export class BullJobWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JobWorker');
  private worker?: Worker;
  private scheduler?: Queue;
  private loop?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
  ) {}

  private get handlers(): Map<string, JobHandler> {
    return this.registry.handlers();
  }

  async onApplicationBootstrap(): Promise<void> {
    const connection = { url: this.config.redisUrl, maxRetriesPerRequest: null, disconnectTimeout: REDIS_DISCONNECT_TIMEOUT_MS };
    const prefix = bullPrefix(this.config.redisKeyPrefix);
    this.scheduler = new Queue(QUEUE_NAME, { connection, prefix });
    for (const handler of this.handlers.values()) {
      if (!handler.everySeconds) continue;
      await this.scheduler.upsertJobScheduler(`repeat:${handler.name}`, { every: handler.everySeconds * 1000 }, {
        name: handler.name,
        data: {},
      });
    }
    // A repeating job retired by an upgrade stops, instead of failing every period for want of a handler.
    for (const scheduler of await this.scheduler.getJobSchedulers()) {
      if (!this.handlers.get(scheduler.name)?.everySeconds) await this.scheduler.removeJobScheduler(scheduler.key);
    }
    this.worker = new Worker(QUEUE_NAME, (job) => this.process(job), { connection, prefix, concurrency: JOB_CONCURRENCY, autorun: false });
    this.worker.on('failed', (job, error) =>
      this.logger.warn({ err: error, job: job?.name, attempt: job?.attemptsMade }, 'Job failed'),
    );
    this.worker.on('error', (error) => this.logger.warn({ err: error }, 'Job worker error'));
    // Closing interrupts the worker's blocking read; the loop ends with that error, which is expected then.
    this.loop = this.worker.run().catch((error: unknown) => {
      if (!this.worker?.closing) this.logger.error({ err: error }, 'Job worker stopped');
    });
    this.logger.log(`Processing jobs: ${[...this.handlers.keys()].join(', ')}`);
  }

  /** Before the database, Redis and OCR close (on application shutdown): close() waits for the jobs in progress to finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.loop;
    await this.scheduler?.close();
  }

  private async process(job: Job): Promise<void> {
    const handler = this.handlers.get(job.name);
    if (!handler) throw new Error(`No handler for job "${job.name}"`);
    await handler.handle(job.data);
  }
}
