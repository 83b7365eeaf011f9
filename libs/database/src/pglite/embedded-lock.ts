import * as fs from 'node:fs';
import * as path from 'node:path';
import { StartupError } from '#config';

const LOCK_FILE = 'foyergpt.lock';

/** Lock files this process holds, so a second open in the same process is refused too. */
const held = new Set<string>();

export class EmbeddedDatabaseInUseError extends StartupError {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database at ${dataDir} is in use by process ${pid} (the server?): ` +
        'stop it first, or set DATABASE_URL to use PostgreSQL',
    );
    this.name = 'EmbeddedDatabaseInUseError';
  }
}

function holderOf(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Alive and, where /proc tells, still a Node process (a pid reused by something else is not the holder). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return true;
  }
}

/** Creates the lock file with its content in one step (link fails if it exists), so nobody reads it half-written. */
function tryCreate(file: string): boolean {
  const draft = `${file}.${process.pid}`;
  fs.writeFileSync(draft, `${process.pid}\n`);
  try {
    fs.linkSync(draft, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

function release(file: string): void {
  if (!held.delete(file)) return;
  if (holderOf(file) === process.pid) fs.rmSync(file, { force: true });
  if (held.size === 0) process.off('exit', releaseAll);
}

// A process that exits without closing the database (a crash, process.exit) still leaves no lock behind.
function releaseAll(): void {
  held.forEach(release);
}

/**
 * PGlite is one process's database: a second process writing the same files
 * loses data silently. The lock file holds the owner's pid; a lock left by a
 * process that is gone (or by this pid in an earlier life, as in a restarted
 * container) is taken over. Returns the release function.
 */
export function lockEmbeddedDatabase(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  if (held.has(file)) throw new EmbeddedDatabaseInUseError(dataDir, process.pid);
  while (!tryCreate(file)) {
    const holder = holderOf(file);
    if (holder !== undefined && holder !== process.pid && isRunning(holder)) {
      throw new EmbeddedDatabaseInUseError(dataDir, holder);
    }
    fs.rmSync(file, { force: true });
  }
  if (held.size === 0) process.once('exit', releaseAll);
  held.add(file);
  return () => release(file);
}
