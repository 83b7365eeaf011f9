import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { BootReporter, prepareBoot } from '#common';
import { Env, readProcessEnv } from '#config';
import { createWorker } from './create-worker';

async function main(env: Env, boot: BootReporter): Promise<void> {
  const config = await prepareBoot(env, boot);
  const worker = await createWorker(config);
  for (const warning of config.warnings) worker.get(Logger).warn(warning);
}

const env = readProcessEnv();
const boot = new BootReporter('FoyerGPT worker', env);
main(env, boot).catch((error: unknown) => boot.fail(error));
