import { ConfigError, loadConfig } from './app-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = loadConfig({}, '/srv');
    expect(config).toMatchObject({
      appEnv: 'development',
      port: 8061,
      dataDir: '/srv/data',
      uploadDir: '/srv/uploads',
      databaseUrl: undefined,
      redisUrl: undefined,
      corsOrigins: ['http://localhost:8060'],
    });
    expect(config.auth.jwtExpiresInSeconds).toBe(7 * 86400);
    expect(config.llm).toMatchObject({ mode: 'mistral', apiModel: 'mistral-small-latest', embeddingProvider: 'mistral' });
    expect(config.limits.messagesPerMinute).toBe(10);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' }, '/srv')).toMatchObject({ port: 8061, databaseUrl: undefined });
  });

  it('accepts the seed\'s SQLAlchemy URL and JSON list of origins', () => {
    const config = loadConfig(
      {
        DATABASE_URL: 'postgresql+asyncpg://user:pw@db/foyer',
        CORS_ORIGINS: '["http://a.example", "http://b.example"]',
        LOG_LEVEL: 'INFO',
        LLM_MODE: 'vllm',
      },
      '/srv',
    );
    expect(config.databaseUrl).toBe('postgresql://user:pw@db/foyer');
    expect(config.corsOrigins).toEqual(['http://a.example', 'http://b.example']);
    expect(config.logLevel).toBe('info');
    expect(config.llm).toMatchObject({ mode: 'vllm', embeddingProvider: 'none' });
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'eighty', LLM_MODE: 'gpt', REDIS_URL: 'localhost:6379', JWT_EXPIRES_IN: '7 weeks' });
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^LLM_MODE: must be one of api, mistral, vllm/);
    expect(problems.join('\n')).toMatch(/PORT: must be an integer/);
    expect(problems.join('\n')).toMatch(/REDIS_URL: must/);
    expect(problems.join('\n')).toMatch(/JWT_EXPIRES_IN: must be a duration/);
  });

  it('refuses production without a JWT secret, with a short secret, or with CORS *', () => {
    expect(problemsOf({ APP_ENV: 'production', CORS_ORIGINS: '*' })).toEqual([
      'JWT_SECRET_KEY: is required when APP_ENV=production',
      'CORS_ORIGINS: must list origins, not "*", when APP_ENV=production',
    ]);
    expect(problemsOf({ JWT_SECRET_KEY: 'short' })).toEqual(['JWT_SECRET_KEY: must be at least 32 characters']);
  });

  it('wants the admin bootstrap variables together', () => {
    expect(problemsOf({ ADMIN_EMAIL: 'a@b.c' })).toHaveLength(1);
    const config = loadConfig({ ADMIN_EMAIL: 'a@b.c', ADMIN_TRIGRAMME: 'ABC', ADMIN_PASSWORD: 'secret-pass' }, '/srv');
    expect(config.auth.admin).toEqual({ email: 'a@b.c', trigramme: 'ABC', password: 'secret-pass' });
  });

  it('parses durations with units', () => {
    expect(loadConfig({ JWT_EXPIRES_IN: '12h' }, '/srv').auth.jwtExpiresInSeconds).toBe(43200);
    expect(loadConfig({ JWT_EXPIRES_IN: '3600' }, '/srv').auth.jwtExpiresInSeconds).toBe(3600);
  });
});
