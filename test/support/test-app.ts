import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import Redis from 'ioredis';
import request from 'supertest';
import { createApp } from '../../apps/api/src/create-app';
import { AppConfig, Env, loadConfig, resolveJwtSecret } from '#config';
import { createTestDatabase, testServerUrl } from './test-database';
import { seedEmbeddedDatabase } from './embedded-template';
import { REDIS_DISCONNECT_TIMEOUT_MS } from '#redis';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  url: string;
  http: () => ReturnType<typeof request>;
  /** Stops the app; the database and data dir are kept for a restart. */
  stop: () => Promise<void>;
  /** Stops the app and removes its database, data dir and Redis keys. */
  close: () => Promise<void>;
}

export interface TestEnvironment {
  env: Env;
  /** Removes what the environment created (database, temp dirs). */
  dispose: () => Promise<void>;
}

/**
 * Settings for one isolated app: its own temp data dir, its own database on
 * TEST_DATABASE_URL (else embedded PGlite), and its own Redis key prefix when
 * REDIS_URL is set, so test files can run in parallel against one server.
 */
export async function testEnvironment(overrides: Env = {}): Promise<TestEnvironment> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'foyergpt-test-'));
  const serverUrl = testServerUrl();
  const database = serverUrl ? await createTestDatabase(serverUrl) : undefined;
  const env: Env = {
    APP_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: path.join(dir, 'data'),
    UPLOAD_DIR: path.join(dir, 'uploads'),
    DATABASE_URL: database?.url,
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: `foyergpt-test:${randomBytes(4).toString('hex')}:`,
    BCRYPT_ROUNDS: '4',
    ...overrides,
  };
  if (!env.DATABASE_URL) await seedEmbeddedDatabase(env.DATA_DIR!);
  return {
    env,
    dispose: async () => {
      await database?.drop();
      await deleteRedisKeys(env.REDIS_URL, env.REDIS_KEY_PREFIX!);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function deleteRedisKeys(url: string | undefined, prefix: string): Promise<void> {
  if (!url) return;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, disconnectTimeout: REDIS_DISCONNECT_TIMEOUT_MS });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis may be the one a test stopped; its keys went with it.
  } finally {
    redis.disconnect();
  }
}

export function testConfig(env: Env): AppConfig {
  return resolveJwtSecret(loadConfig(env));
}

/** Boots the API with the given environment, on a random port unless one is given (when the env names its URL). */
export async function startApp(env: Env, port = 0): Promise<Omit<TestApp, 'close'>> {
  const config = testConfig(env);
  const app = await createApp(config);
  await app.listen(port, '127.0.0.1');
  const url = await app.getUrl();
  return {
    app,
    config,
    url: url.replace('[::1]', '127.0.0.1'),
    http: () => request(app.getHttpServer()),
    stop: () => app.close(),
  };
}

/** An isolated app, as most e2e suites want it. */
export async function startTestApp(overrides: Env = {}, port = 0): Promise<TestApp> {
  const environment = await testEnvironment(overrides);
  const started = await startApp(environment.env, port);
  return {
    ...started,
    close: async () => {
      await started.stop();
      await environment.dispose();
    },
  };
}
