import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '#config';
import { BullJobQueue } from './bull-job-queue';
import { BullJobWorker } from './bull-job-worker';
import { InProcessJobQueue } from './in-process-job-queue';
import { JobRegistry } from './job-registry';
import { JOB_QUEUE } from './job.types';

/** BullMQ and a separate worker need Redis, and a database the worker can reach too. */
export function usesWorker(config: AppConfig): boolean {
  return !!config.redisUrl && !!config.databaseUrl;
}

/**
 * Queue plumbing only: JOB_QUEUE for whoever enqueues, and, for whoever runs
 * jobs, the @OnJob handlers discovered in the feature modules it imports.
 * Global because it is infrastructure, like the database.
 */
@Global()
@Module({})
export class JobsModule {
  /**
   * For the API: BullMQ (run by apps/worker) with Redis and PostgreSQL;
   * otherwise the handlers run in-process (an embedded database cannot be
   * shared with another process).
   */
  static forRoot(config: AppConfig): DynamicModule {
    if (usesWorker(config)) return { module: JobsModule, providers: [BullJobQueue, queueToken(BullJobQueue)], exports: [JOB_QUEUE] };
    return {
      module: JobsModule,
      imports: [DiscoveryModule],
      providers: [JobRegistry, InProcessJobQueue, queueToken(InProcessJobQueue)],
      exports: [JOB_QUEUE],
    };
  }

  /** For apps/worker: consumes the BullMQ queue with the same discovered handlers. */
  static forWorker(): DynamicModule {
    return {
      module: JobsModule,
      imports: [DiscoveryModule],
      providers: [JobRegistry, BullJobWorker, BullJobQueue, queueToken(BullJobQueue)],
      exports: [JOB_QUEUE],
    };
  }
}

function queueToken(implementation: typeof BullJobQueue | typeof InProcessJobQueue) {
  return { provide: JOB_QUEUE, useExisting: implementation };
}
