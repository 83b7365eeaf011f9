import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppConfig } from './app-config';

const SECRET_FILE = 'jwt-secret';

/**
 * Outside production a missing JWT_SECRET_KEY is generated once and kept in the
 * data dir, so tokens survive restarts without anyone having to invent a secret.
 * (Production without a secret never gets here: loadConfig refuses it.)
 */
export function resolveJwtSecret(config: AppConfig): AppConfig {
  if (config.auth.jwtSecret) return config;
  const file = path.join(config.dataDir, SECRET_FILE);
  let secret: string;
  try {
    secret = fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(config.dataDir, { recursive: true });
    secret = randomBytes(48).toString('base64url');
    // 'wx' fails if another process wrote it first; then read theirs.
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    } catch {
      secret = fs.readFileSync(file, 'utf8').trim();
    }
  }
  return { ...config, auth: { ...config.auth, jwtSecret: secret } };
}
