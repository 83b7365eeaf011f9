import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Env } from '#config';

const ROOT = path.resolve(__dirname, '../..');

/** The built entry points, as operators run them (`npm start`, `npm run start:worker`, `npm run cli`). */
export const ENTRY = {
  api: path.join(ROOT, 'dist/apps/api/src/main.js'),
  worker: path.join(ROOT, 'dist/apps/worker/src/main.js'),
  cli: path.join(ROOT, 'dist/apps/cli/src/main.js'),
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return entry.name.endsWith('.ts') && !/\.(e2e-)?spec\.ts$/.test(entry.name) ? [file] : [];
  });
}

const WEB_SOURCES = path.join(ROOT, 'apps/web/src');

/** The web client (bundled by esbuild into dist/web, not compiled by tsc) is older than its sources. */
function webStale(): boolean {
  const bundle = path.join(ROOT, 'dist/web/app.js');
  if (!fs.existsSync(bundle)) return true;
  const built = fs.statSync(bundle).mtimeMs;
  return fs.readdirSync(WEB_SOURCES).some((name) => !fs.statSync(path.join(WEB_SOURCES, name)).isDirectory() && fs.statSync(path.join(WEB_SOURCES, name)).mtimeMs > built);
}

/** Builds dist unless every app and lib source already has a newer compiled file (and the web client a newer bundle). */
export function ensureBuilt(): void {
  const compiled = ['apps', 'libs'].flatMap((dir) => sources(path.join(ROOT, dir))).filter((source) => !source.startsWith(WEB_SOURCES));
  const stale = compiled.some((source) => {
    const built = path.join(ROOT, 'dist', source.slice(ROOT.length + 1).replace(/\.ts$/, '.js'));
    return !fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(source).mtimeMs;
  });
  if (stale || webStale()) execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  process: ChildProcess;
  /** Resolves when the process ends; if it outlives `timeoutMs` it is killed (signal SIGKILL). */
  exit: Promise<Exit>;
}

/**
 * Runs a built entry with only the given environment (and PATH), in `cwd` so
 * no .env file leaks in.
 */
export function runBuilt(entry: string, env: Env, options: { cwd: string; args?: string[]; timeoutMs?: number }): Running {
  const child = spawn(process.execPath, [entry, ...(options.args ?? [])], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const exit = new Promise<Exit>((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { process: child, exit };
}
