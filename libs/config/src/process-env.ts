import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseEnv } from 'node:util';
import { Env } from './env-parsers';

/**
 * The process environment over the optional `.env` file of the working
 * directory (as the seed's settings did): a real variable always wins.
 * This is the one place that reads process.env.
 */
export function readProcessEnv(cwd = process.cwd()): Env {
  const file = path.join(cwd, '.env');
  const fromFile = fs.existsSync(file) ? parseEnv(fs.readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}
