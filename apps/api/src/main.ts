import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { BootReporter, prepareBoot } from '#common';
import { AppConfig, Env, readProcessEnv, StartupError } from '#config';
import { createApp } from './create-app';

/** Node's reasons for refusing to listen, as the setting to change. */
const LISTEN_HINTS: Record<string, (config: AppConfig) => string> = {
  EADDRINUSE: (c) => `port ${c.port} on ${c.host} is already in use (PORT): stop the process using it or set PORT to a free port`,
  EACCES: (c) => `not allowed to listen on port ${c.port} (PORT): use a port above 1023`,
  EADDRNOTAVAIL: (c) => `address ${c.host} is not on this machine (HOST): use 0.0.0.0, 127.0.0.1 or one of its addresses`,
};

function listenError(error: unknown, config: AppConfig): unknown {
  const hint = LISTEN_HINTS[(error as NodeJS.ErrnoException).code ?? ''];
  return hint ? new StartupError(hint(config), { cause: error }) : error;
}

async function main(env: Env, boot: BootReporter): Promise<void> {
  const config = await prepareBoot(env, boot);
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
const boot = new BootReporter('FoyerGPT API', env);
main(env, boot).catch((error: unknown) => boot.fail(error));
