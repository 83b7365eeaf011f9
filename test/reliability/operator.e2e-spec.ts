import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, Server } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Env } from '#config';
import { ensureBuilt, ENTRY, Exit, runBuilt } from '../support/built-app';
import { closedPort, freePort } from '../support/free-port';
import { startTestApp } from '../support/test-app';
import { testServerUrl } from '../support/test-database';

// Fixed outputs of openssl rand: a random one could, very rarely, look weak and flake.
const STRONG_SECRET = 'nQaUAHVSmXhcQ6G8U6BLtK16Mg6YeLLzN8Nenv2V9riu3AamDDuNIaED3Tar7iJL';
const METRICS_TOKEN = 'OBa9VWQgOgJh6GCesBEpnXDFVexcAR8E';
const HIDDEN_PASSWORD = 'pw-never-shown';
const STACK_LINE = /^\s+at /m;

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** Exit 1, and the whole output is one JSON log line at fatal level (production). */
function expectOneJsonLine(exit: Exit): string {
  expect(exit.code).toBe(1);
  expect(lines(exit.stderr)).toEqual([]);
  const output = lines(exit.stdout);
  expect(output).toHaveLength(1);
  const entry = JSON.parse(output[0]) as { level: number; msg: string };
  expect(entry.level).toBe(60);
  expect(output[0]).not.toMatch(/\\n\s+at /);
  return entry.msg;
}

describe('Operator: boot failures of the built processes are one actionable line', () => {
  let work: string;
  const production = (env: Env): Env => ({
    APP_ENV: 'production',
    JWT_SECRET_KEY: STRONG_SECRET,
    DATA_DIR: path.join(work, 'data'),
    UPLOAD_DIR: path.join(work, 'uploads'),
    PORT: '0',
    LOG_LEVEL: 'info',
    ...env,
  });
  const run = (entry: string, env: Env) => runBuilt(entry, env, { cwd: work }).exit;

  beforeAll(() => {
    ensureBuilt();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'foyergpt-operator-'));
  }, 600_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('names REDIS_URL and its host (password hidden) when Redis does not answer: API and worker', async () => {
    const port = await closedPort();
    const redisUrl = `redis://:${HIDDEN_PASSWORD}@127.0.0.1:${port}`;
    const api = expectOneJsonLine(await run(ENTRY.api, production({ REDIS_URL: redisUrl })));
    expect(api).toMatch(new RegExp(`^FoyerGPT API could not start: cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}\\b.*\\(REDIS_URL\\)`));
    expect(api).toContain('ECONNREFUSED');

    const databaseUrl = `postgresql://app@127.0.0.1:${await closedPort()}/foyer`;
    const worker = expectOneJsonLine(await run(ENTRY.worker, production({ REDIS_URL: redisUrl, DATABASE_URL: databaseUrl })));
    expect(worker).toMatch(/^FoyerGPT worker could not start: cannot reach Redis at .*\(REDIS_URL\)/);
    for (const message of [api, worker]) expect(message).not.toContain(HIDDEN_PASSWORD);
  });

  it('names DATABASE_URL and its host (password hidden) when PostgreSQL is not there', async () => {
    const port = await closedPort();
    const message = expectOneJsonLine(
      await run(ENTRY.api, production({ DATABASE_URL: `postgresql://app:${HIDDEN_PASSWORD}@127.0.0.1:${port}/foyer` })),
    );
    expect(message).toBe(
      `FoyerGPT API could not start: cannot connect to PostgreSQL at postgresql://app:***@127.0.0.1:${port}/foyer (DATABASE_URL): ` +
        `connect ECONNREFUSED 127.0.0.1:${port}; check that PostgreSQL is running at that host and port`,
    );
  });

  (testServerUrl() ? it : it.skip)('says a missing database does not exist and how to create it', async () => {
    const url = new URL(testServerUrl()!);
    url.pathname = `/foyergpt_missing_${randomBytes(4).toString('hex')}`;
    const message = expectOneJsonLine(await run(ENTRY.api, production({ DATABASE_URL: url.toString() })));
    expect(message).toMatch(/\(DATABASE_URL\): database "foyergpt_missing_\w+" does not exist; create that database/);
  });

  it('refuses a placeholder JWT secret in production without quoting it', async () => {
    const placeholder = 'your-secret-key-change-me-in-production-0000';
    const message = expectOneJsonLine(await run(ENTRY.api, production({ JWT_SECRET_KEY: placeholder })));
    expect(message).toMatch(/JWT_SECRET_KEY: looks like a placeholder.*openssl rand -base64 48/);
    expect(message).not.toContain(placeholder);
  });

  describe('a busy port', () => {
    let busy: Server;
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      busy = createServer();
      await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise((resolve) => busy.close(resolve)));

    it('says which port is taken and what to do, as plain text outside production', async () => {
      const exit = await run(ENTRY.api, {
        DATA_DIR: path.join(work, 'busy-data'),
        UPLOAD_DIR: path.join(work, 'busy-uploads'),
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'error',
      });
      expect(exit.code).toBe(1);
      expect(lines(exit.stderr)).toEqual([
        `FoyerGPT API could not start: port ${port} on 127.0.0.1 is already in use (PORT): stop the process using it or set PORT to a free port`,
      ]);
      expect(exit.stdout).not.toMatch(STACK_LINE);
    });
  });
});

describe('Operator: the CLI does not write an embedded database the server holds', () => {
  let work: string;
  let env: Env;
  const admin = ['create-admin', '--email', 'ops@example.org', '--trigramme', 'OPS', '--password', 'operator password'];

  async function startServer() {
    const port = await freePort();
    const server = runBuilt(ENTRY.api, { ...env, HOST: '127.0.0.1', PORT: String(port) }, { cwd: work, timeoutMs: 300_000 });
    const url = `http://127.0.0.1:${port}`;
    for (let attempt = 0; attempt < 240; attempt++) {
      const up = await fetch(`${url}/api/health`).then((response) => response.ok, () => false);
      if (up) return { ...server, url };
      if (server.process.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    server.process.kill('SIGKILL');
    throw new Error(`the server did not start: ${(await server.exit).stderr}`);
  }

  /** Graceful stop: Nest closes the app (and the database) and re-raises SIGTERM. */
  async function stopServer(server: Awaited<ReturnType<typeof startServer>>): Promise<Exit> {
    server.process.kill('SIGTERM');
    return server.exit;
  }

  beforeAll(() => {
    ensureBuilt();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'foyergpt-cli-lock-'));
    env = { DATA_DIR: path.join(work, 'data'), UPLOAD_DIR: path.join(work, 'uploads'), LOG_LEVEL: 'warn', BCRYPT_ROUNDS: '4' };
  }, 600_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('refuses while the server runs, naming its process, then creates the admin once it is stopped', async () => {
    const server = await startServer();
    try {
      const refused = await runBuilt(ENTRY.cli, env, { cwd: work, args: admin }).exit;
      expect(refused.code).toBe(1);
      expect(lines(refused.stderr)).toEqual([
        `The embedded database at ${path.join(work, 'data', 'pglite')} is in use by process ${server.process.pid} (the server?): ` +
          'stop it first, or set DATABASE_URL to use PostgreSQL',
      ]);
    } finally {
      expect((await stopServer(server)).signal).toBe('SIGTERM');
    }

    const created = await runBuilt(ENTRY.cli, env, { cwd: work, args: admin }).exit;
    expect([created.code, lines(created.stderr)]).toEqual([0, ['Created admin ops@example.org (OPS)']]);

    // The admin survives the next server run: nothing overwrote it.
    const again = await startServer();
    try {
      const login = await fetch(`${again.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ trigramme: 'OPS', password: 'operator password' }),
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { user: { is_admin: boolean } }).user.is_admin).toBe(true);
    } finally {
      await stopServer(again);
    }
  }, 600_000);
});

describe('Operator: /metrics in production', () => {
  it('is disabled (404, saying how to enable it) without METRICS_TOKEN', async () => {
    const t = await startTestApp({ APP_ENV: 'production', JWT_SECRET_KEY: STRONG_SECRET, BCRYPT_ROUNDS: '10' });
    try {
      const response = await t.http().get('/metrics').expect(404);
      expect(response.body).toEqual({ detail: 'Metrics are disabled: set METRICS_TOKEN to enable /metrics' });
    } finally {
      await t.close();
    }
  });

  it('answers the token holder when METRICS_TOKEN is set', async () => {
    const t = await startTestApp({ APP_ENV: 'production', JWT_SECRET_KEY: STRONG_SECRET, BCRYPT_ROUNDS: '10', METRICS_TOKEN });
    try {
      await t.http().get('/metrics').expect(401);
      const metrics = await t.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      expect(metrics.text).toContain('foyergpt_process_resident_memory_bytes');
    } finally {
      await t.close();
    }
  });
});
