import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from './app-config';
import { resolveJwtSecret } from './dev-secret';

describe('resolveJwtSecret', () => {
  it('generates a development secret once and keeps it in the data dir', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-'));
    const first = resolveJwtSecret(loadConfig({ DATA_DIR: dataDir })).auth.jwtSecret;
    const second = resolveJwtSecret(loadConfig({ DATA_DIR: dataDir })).auth.jwtSecret;
    expect(first).toHaveLength(64);
    expect(second).toBe(first);
    expect(fs.statSync(path.join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    fs.rmSync(dataDir, { recursive: true });
  });

  it('uses JWT_SECRET_KEY when given', () => {
    const secret = 'x'.repeat(40);
    expect(resolveJwtSecret(loadConfig({ JWT_SECRET_KEY: secret })).auth.jwtSecret).toBe(secret);
  });
});
