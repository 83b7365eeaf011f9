import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { Client } from 'pg';
import request from 'supertest';
import type { Env } from '#config';
import { ENTRY, ensureBuilt, Exit, runBuilt } from './built-app';
import { freePort } from './free-port';
import { testEnvironment, TestEnvironment } from './test-app';
import type { TestApp } from './test-app';

/** The built API (`npm start`) running WEB_CONCURRENCY workers behind its primary process. */
export interface ClusterApp {
  url: string;
  port: number;
  env: Env;
  /** JWT_SECRET_KEY of the workers, to sign tokens a test needs (expired, tampered). */
  jwtSecret: string;
  primaryPid: number;
  /** Resolves when the primary ends. */
  exit: Promise<Exit>;
  /** Everything the primary and its workers printed so far (JSON log lines). */
  output: () => string;
  /** Resolves with the first match of `pattern` in the output, waiting for it up to timeoutMs. */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  /** The running worker of each index, as the primary announced them (`API worker N started (pid P)`). */
  workerPids: () => Map<number, number>;
  /** For the helpers that only send HTTP requests (signUp, userWithChat). */
  client: TestApp;
  /** Sends a signal to the primary and resolves with its exit. */
  stop: (signal?: NodeJS.Signals) => Promise<Exit>;
  /** Stops the server (if still running) and removes its database, data dir and Redis keys. */
  close: () => Promise<void>;
}

export interface ClusterOptions {
  workers?: number;
  /** Reuse an environment (database, data dir) instead of a fresh one; the caller disposes of it. */
  environment?: TestEnvironment;
}

const BOOT_TIMEOUT_MS = 60_000;

function linesOf(output: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** The pid that logged the request with this X-Request-Id (pino-http's line), once it is written. */
export async function pidOfRequest(app: ClusterApp, requestId: string): Promise<number> {
  const escaped = requestId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await app.waitForOutput(new RegExp(`"id":"${escaped}"`), 10_000);
  const line = linesOf(app.output()).find((entry) => (entry.req as { id?: string } | undefined)?.id === requestId);
  if (!line) throw new Error(`no log line for request ${requestId}`);
  return line.pid as number;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The request went on a connection that an earlier request had used (keep-alive). */
  reusedSocket: boolean;
}

/**
 * One request with node's http client: by default on a connection of its own (no keep-alive),
 * so that the primary routes it afresh; with `agent`, on that agent's connections.
 */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: http.Agent | false } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), reusedSocket: outgoing.reusedSocket }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** Reads the server's database directly (what a test checks behind the API). */
export async function queryDatabase<T extends object>(app: ClusterApp, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: app.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Spawns the built API with WEB_CONCURRENCY workers on PostgreSQL and Redis
 * (TEST_DATABASE_URL, REDIS_URL), a fresh database and key prefix, logging at
 * info level so that tests can see which process served what.
 */
export async function startClusterApp(overrides: Env = {}, options: ClusterOptions = {}): Promise<ClusterApp> {
  ensureBuilt();
  const environment = options.environment ?? (await testEnvironment());
  const port = await freePort();
  const env: Env = {
    ...environment.env,
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(port),
    WEB_CONCURRENCY: String(options.workers ?? 2),
    JWT_SECRET_KEY: randomBytes(32).toString('base64url'),
    ...overrides,
  };
  const running = runBuilt(ENTRY.api, env, { cwd: process.cwd(), timeoutMs: 30 * 60_000 });
  let output = '';
  const waiters = new Set<() => void>();
  const onOutput = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters) waiter();
  };
  running.process.stdout!.on('data', onOutput);
  running.process.stderr!.on('data', onOutput);
  let ended = false;
  void running.exit.then(() => {
    ended = true;
    for (const waiter of waiters) waiter();
  });

  const waitForOutput = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = output.match(pattern);
        if (match) finish(() => resolve(match));
        else if (ended) finish(() => reject(new Error(`server ended without printing ${pattern}:\n${output}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`${pattern} not printed in ${timeoutMs} ms:\n${output.slice(-4000)}`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  const url = `http://127.0.0.1:${port}`;
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (!ended) running.process.kill(signal);
    return running.exit;
  };
  // Only `url` and `http` are there: what the HTTP-only helpers use.
  const client = { url, http: () => request(url) } as unknown as TestApp;
  const app: ClusterApp = {
    url,
    port,
    env,
    jwtSecret: env.JWT_SECRET_KEY!,
    primaryPid: running.process.pid!,
    exit: running.exit,
    output: () => output,
    waitForOutput,
    workerPids: () => {
      const pids = new Map<number, number>();
      for (const match of output.matchAll(/API worker (\d+) started \(pid (\d+)\)/g)) pids.set(Number(match[1]), Number(match[2]));
      return pids;
    },
    client,
    stop,
    close: async () => {
      await stop('SIGTERM');
      if (!options.environment) await environment.dispose();
    },
  };
  try {
    await waitForOutput(/FoyerGPT API listening on /, BOOT_TIMEOUT_MS);
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
