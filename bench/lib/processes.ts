import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

/** The process and its descendants (the workers of a WEB_CONCURRENCY primary, document jobs), live ones only. */
export function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${pids[i]}/task`)) {
        const children = readFileSync(`/proc/${pids[i]}/task/${task}/children`, 'utf8').trim();
        if (children) pids.push(...children.split(' ').map(Number));
      }
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/**
 * CPU time of a process and all its descendants, in ms: the live ones' own
 * time, plus what the root has collected from children that exited (cutime,
 * cstime), so a worker that ends during a phase still counts.
 */
export function treeCpuMs(pid: number): number {
  let total = 0;
  for (const member of processTree(pid)) {
    try {
      const fields = readFileSync(`/proc/${member}/stat`, 'utf8').split(') ')[1].split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]) + (member === pid ? Number(fields[13]) + Number(fields[14]) : 0);
      total += (ticks * 1000) / 100;
    } catch {
      // exited between listing and reading: its time is in its parent's cutime once reaped
    }
  }
  return total;
}

/** RSS of each process of the tree (root first) and their sum, in MB. */
export function treeRssMb(pid: number): { per_process: number[]; total: number } {
  const perProcess = processTree(pid).map((member) => {
    try {
      return rssMb(member);
    } catch {
      return 0;
    }
  });
  return { per_process: perProcess, total: perProcess.reduce((a, b) => a + b, 0) };
}

export interface Child {
  process: ChildProcess;
  url: string;
  stop: () => Promise<void>;
  /** The last 4,000 characters it wrote (stdout and stderr), to tell why it died. */
  log: () => string;
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

function start(script: string, args: string[], env: Record<string, string | undefined>, nodeArgs: string[] = []): { child: ChildProcess; log: () => string } {
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'dist', script), ...args], {
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
  return { process: child, url, stop: stopper(child), log };
}

/** The built API as a user runs it; embedded unless DATABASE_URL/REDIS_URL are set. `nodeArgs` go before the script (a preload). */
export async function startApi(env: Record<string, string | undefined>, nodeArgs: string[] = []): Promise<Child> {
  const port = await freePort();
  const { child, log } = start('apps/api/src/main.js', [], { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env }, nodeArgs);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/api/health/ready`, child, log);
  return { process: child, url, stop: stopper(child), log };
}

/** The bare relay (bench/lib/bare-relay.ts) in front of `upstreamUrl`: the floor of what any API adds. */
export async function startBareRelay(upstreamUrl: string): Promise<Child> {
  const port = await freePort();
  const { child, log } = start('bench/lib/bare-relay.js', [String(port), upstreamUrl], {});
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/health`, child, log);
  return { process: child, url, stop: stopper(child), log };
}

export function startWorker(env: Record<string, string | undefined>): Child {
  const { child, log } = start('apps/worker/src/main.js', [], { LOG_LEVEL: 'warn', ...env });
  return { process: child, url: '', stop: stopper(child), log };
}
