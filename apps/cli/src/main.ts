import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DomainError } from '#common';
import { ConfigError, loadConfig, readProcessEnv, resolveJwtSecret } from '#config';
import { createAdmin } from './create-admin';

const USAGE = `Usage: npm run cli -- create-admin --email EMAIL --trigramme ABC [--password PASSWORD]
  The password may instead come from the ADMIN_PASSWORD environment variable.`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: 'string' }, trigramme: { type: 'string' }, password: { type: 'string' } },
  });
  if (positionals[0] !== 'create-admin') throw new Error(USAGE);
  const env = readProcessEnv();
  const config = resolveJwtSecret(loadConfig(env));
  const password = values.password ?? env.ADMIN_PASSWORD;
  console.error(await createAdmin(config, { email: values.email, trigramme: values.trigramme, password }));
}

main().catch((error: unknown) => {
  if (error instanceof DomainError) console.error(JSON.stringify({ detail: error.detail }));
  else console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
  process.exit(1);
});
