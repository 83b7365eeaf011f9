import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig, StartupError } from '#config';
import { usesWorker } from '#jobs';
import { WorkerModule } from './worker.module';

/** The job worker process (apps/worker). */
export async function createWorker(config: AppConfig): Promise<INestApplicationContext> {
  if (!usesWorker(config)) {
    throw new StartupError('The worker needs REDIS_URL and DATABASE_URL; without them the API runs jobs in-process.');
  }
  const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  worker.useLogger(worker.get(Logger));
  worker.enableShutdownHooks();
  await worker.init();
  return worker;
}
