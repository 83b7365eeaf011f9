import 'reflect-metadata';
import cluster from 'node:cluster';
import { Logger } from 'nestjs-pino';
import { BootReporter, prepareBoot } from '#common';
import { Env, readProcessEnv } from '#config';
import { WORKER_ENV } from './cluster/cluster-protocol';
import { listenError } from './cluster/listen-error';
import { Primary } from './cluster/primary';
import { runWorker } from './cluster/worker';
import { createApp } from './create-app';

async function main(env: Env, boot: BootReporter): Promise<void> {
  const config = await prepareBoot(env, boot);
  // WEB_CONCURRENCY > 1: this process only routes connections to its workers (./cluster).
  if (config.webConcurrency > 1) return new Primary(config).start();
  const app = await createApp(config);
  const logger = app.get(Logger);
  for (const warning of config.warnings) logger.warn(warning);
  await app.listen(config.port, config.host).catch((error: unknown) => {
    throw listenError(error, config);
  });
  const mode = `database=${config.databaseUrl ? 'postgresql' : 'embedded'} redis=${config.redisUrl ? 'on' : 'off'}`;
  logger.log(`FoyerGPT API listening on http://${config.host}:${config.port} (${mode}); docs at /api/docs`);
}

const env = readProcessEnv();
if (cluster.isWorker) {
  const index = Number(env[WORKER_ENV.index]);
  const boot = new BootReporter(`FoyerGPT API worker ${index}`, env);
  runWorker(env, boot, index).catch((error: unknown) => boot.fail(error));
} else {
  const boot = new BootReporter('FoyerGPT API', env);
  main(env, boot).catch((error: unknown) => boot.fail(error));
}
