import type { DynamicModule, ForwardReference, LoggerService, Type } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppConfig, ConfigModule, Env } from '#config';
import { DatabaseModule } from '#database';
import { JobsModule } from '#jobs';
import { CacheModule, RedisModule } from '#redis';
import { simulatorEnv, startSimulator } from '../support/chat-app';
import type { LlmSimulator } from '../support/llm-simulator/llm-simulator';
import { testConfig, testEnvironment } from '../support/test-app';
import { MediumFactories } from './factories';

type ModuleImport = Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference;

export interface MediumOptions {
  /** The feature module under test, and any module it still reaches through a global. */
  imports: ModuleImport[];
  env?: Env;
}

export interface MediumContext {
  module: TestingModule;
  config: AppConfig;
  factories: MediumFactories;
  /** Any provider of the module tree, exported or not (a service's collaborators included). */
  get<T>(token: Type<T> | string | symbol): T;
  close(): Promise<void>;
}

/** Nest's own lines are noise in a test run; TEST_LOG_LEVEL=debug brings them back. */
const quiet: LoggerService = { log() {}, error() {}, warn() {} };

/**
 * One test file's world: a fresh migrated database (a new database on
 * TEST_DATABASE_URL, else embedded PGlite in a temp dir), Redis-less
 * infrastructure (in-memory cache, rate limits and in-process jobs), and the
 * real feature modules, so their dependency injection is the app's.
 */
export async function createMediumContext({ imports, env = {} }: MediumOptions): Promise<MediumContext> {
  const environment = await testEnvironment({ REDIS_URL: undefined, ...env });
  const config = testConfig(environment.env);
  let module: TestingModule | undefined;
  try {
    const builder = Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule, RedisModule, CacheModule, JobsModule.forRoot(config), ...imports],
    });
    if (!process.env.TEST_LOG_LEVEL) builder.setLogger(quiet);
    module = await builder.compile();
    await module.init();
  } catch (error) {
    await module?.close();
    await environment.dispose();
    throw error;
  }
  const compiled = module;
  return {
    module: compiled,
    config,
    factories: new MediumFactories(compiled.get(DataSource), config),
    get: (token) => compiled.get(token, { strict: false }),
    close: async () => {
      await compiled.close();
      await environment.dispose();
    },
  };
}

export type LlmMediumContext = MediumContext & { sim: LlmSimulator };

/**
 * The same, with the repo's LLM simulator started in-process and configured as
 * the chat provider (short timeouts, one retry: see simulatorEnv); `env` wins.
 * Tests queue faults on `sim` and should `sim.reset()` after each.
 */
export async function createMediumContextWithLlm(options: MediumOptions): Promise<LlmMediumContext> {
  const sim = await startSimulator();
  try {
    const ctx = await createMediumContext({ ...options, env: { ...simulatorEnv(sim), EMBEDDING_PROVIDER: 'none', ...options.env } });
    return {
      ...ctx,
      sim,
      close: async () => {
        await ctx.close();
        await sim.close();
      },
    };
  } catch (error) {
    await sim.close();
    throw error;
  }
}
