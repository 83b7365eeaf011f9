import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKOFF_BASE_MS,
  DEFAULT_ATTEMPTS,
  EnqueueOptions,
  JOB_CONCURRENCY,
  JobHandler,
  JobQueue,
  JobQueueStatus,
} from './job.types';
import { JobRegistry } from './job-registry';

/**
 * Runs jobs inside the API process when no Redis is configured: the same
 * handlers and retry rules as the BullMQ worker, without persistence (a job
 * still queued when the process stops is lost; with Redis it is not).
 */
@Injectable()
export class InProcessJobQueue implements JobQueue, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly running = new Set<Promise<void>>();
  private readonly queuedIds = new Set<string>();
  private readonly timers: NodeJS.Timeout[] = [];
  // At most JOB_CONCURRENCY jobs at once, as the worker: twenty uploads must not start twenty extraction threads.
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private stopping = false;

  constructor(private readonly registry: JobRegistry) {}

  private get handlers(): Map<string, JobHandler> {
    return this.registry.handlers();
  }

  onApplicationBootstrap(): void {
    for (const handler of this.handlers.values()) {
      if (!handler.everySeconds) continue;
      const timer = setInterval(() => void this.enqueue(handler.name, {}, { jobId: `repeat:${handler.name}` }),
        handler.everySeconds * 1000);
      timer.unref();
      this.timers.push(timer);
    }
  }

  async enqueue(name: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`No handler for job "${name}"`);
    if (this.stopping) throw new Error('The job queue is shutting down');
    if (options.jobId) {
      if (this.queuedIds.has(options.jobId)) return;
      this.queuedIds.add(options.jobId);
    }
    const run = this.run(handler, payload, options.attempts ?? DEFAULT_ATTEMPTS).finally(() => {
      this.running.delete(run);
      if (options.jobId) this.queuedIds.delete(options.jobId);
    });
    this.running.add(run);
  }

  async status(): Promise<JobQueueStatus> {
    return { consumers: 1, waiting: this.running.size };
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.timers.forEach(clearInterval);
    await Promise.allSettled([...this.running]);
  }

  private async run(handler: JobHandler, payload: unknown, attempts: number): Promise<void> {
    await sleep(0);
    await this.takeSlot();
    try {
      await this.attempt(handler, payload, attempts);
    } finally {
      this.releaseSlot();
    }
  }

  private async takeSlot(): Promise<void> {
    if (this.active < JOB_CONCURRENCY) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot to the next waiting job, or frees it. */
  private releaseSlot(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  private async attempt(handler: JobHandler, payload: unknown, attempts: number): Promise<void> {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await handler.handle(payload);
        return;
      } catch (error) {
        const last = attempt === attempts || this.stopping;
        this.logger.warn({ err: error, job: handler.name, attempt }, last ? 'Job failed' : 'Job failed, retrying');
        if (last) return;
        await sleep(BACKOFF_BASE_MS * 2 ** (attempt - 1));
      }
    }
  }
}
