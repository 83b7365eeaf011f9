import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddedDatabaseInUseError, lockEmbeddedDatabase } from './embedded-lock';

describe('lockEmbeddedDatabase', () => {
  let dir: string;
  const lockFile = () => path.join(dir, 'foyergpt.lock');

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-lock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('holds the database for this process until released', () => {
    const release = lockEmbeddedDatabase(dir);
    expect(fs.readFileSync(lockFile(), 'utf8').trim()).toBe(String(process.pid));
    expect(() => lockEmbeddedDatabase(dir)).toThrow(EmbeddedDatabaseInUseError);
    release();
    expect(fs.existsSync(lockFile())).toBe(false);
    lockEmbeddedDatabase(dir)();
  });

  it('refuses a database held by another running process, naming it and what to do', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(lockFile(), `${holder.pid}\n`);
      expect(() => lockEmbeddedDatabase(dir)).toThrow(
        `The embedded database at ${dir} is in use by process ${holder.pid} (the server?): stop it first, or set DATABASE_URL to use PostgreSQL`,
      );
      expect(fs.readFileSync(lockFile(), 'utf8').trim()).toBe(String(holder.pid));
    } finally {
      holder.kill();
    }
  });

  it('takes over a lock left by a process that is gone', () => {
    const gone = spawnSync(process.execPath, ['-p', 'process.pid'], { encoding: 'utf8' }).stdout.trim();
    fs.writeFileSync(lockFile(), `${gone}\n`);
    const release = lockEmbeddedDatabase(dir);
    expect(fs.readFileSync(lockFile(), 'utf8').trim()).toBe(String(process.pid));
    release();
  });
});
