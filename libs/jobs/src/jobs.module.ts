import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '../../config/src';
import { BullJobQueue } from './bull-job-queue';
import { InProcessJobQueue } from './in-process-job-queue';
import { JobHandlersModule } from './job-handlers.module';
import { JOB_QUEUE } from './job.types';

/** BullMQ and a separate worker need Redis, and a database the worker can reach too. */
export function usesWorker(config: AppConfig): boolean {
  return !!config.redisUrl && !!config.databaseUrl;
}

/**
 * JOB_QUEUE for the API: BullMQ (run by apps/worker) with Redis and PostgreSQL;
 * otherwise the same handlers run in-process (an embedded database cannot be
 * shared with another process).
 */
@Global()
@Module({})
export class JobsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const implementation = usesWorker(config) ? BullJobQueue : InProcessJobQueue;
    return {
      module: JobsModule,
      imports: usesWorker(config) ? [] : [JobHandlersModule],
      providers: [implementation, { provide: JOB_QUEUE, useExisting: implementation }],
      exports: [JOB_QUEUE],
    };
  }
}
