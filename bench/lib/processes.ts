import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../../test/support/free-port';

const ROOT = path.resolve(__dirname, '../../..');

/** Resident memory of a process, in MB (Linux). */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** CPU time (user + system) a process has used so far, in ms (Linux). */
export function cpuMs(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

export interface Child {
  process: ChildProcess;
  url: string;
  stop: () => Promise<void>;
}

async function waitFor(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`process exited: ${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not ready: ${url}\n${log()}`);
}

function start(script: string, args: string[], env: Record<string, string | undefined>): { child: ChildProcess; log: () => string } {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  return { child, log: () => output };
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
}

/** The LLM simulator as its own process, so it does not share the client's event loop. */
export async function startSimulator(ttftMs: number, interTokenMs: number): Promise<Child> {
  const port = await freePort();
  const { child, log } = start('test/support/llm-simulator/main.js', ['--port', String(port), '--ttft-ms', String(ttftMs), '--inter-token-ms', String(interTokenMs)], {});
  const url = `http://127.0.0.1:${port}/v1`;
  await waitFor(`${url}/models`, child, log);
  return { process: child, url, stop: stopper(child) };
}

/** The built API as a user runs it; embedded unless DATABASE_URL/REDIS_URL are set. */
export async function startApi(env: Record<string, string | undefined>): Promise<Child> {
  const port = await freePort();
  const { child, log } = start('apps/api/src/main.js', [], { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/api/health/ready`, child, log);
  return { process: child, url, stop: stopper(child) };
}

export function startWorker(env: Record<string, string | undefined>): Child {
  const { child } = start('apps/worker/src/main.js', [], { LOG_LEVEL: 'warn', ...env });
  return { process: child, url: '', stop: stopper(child) };
}
