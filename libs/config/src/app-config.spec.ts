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
    expect(config.limits.streamsPerUser).toBe(20);
  });

  it('reads model prices per million tokens, and names LLM_PRICES when an entry is malformed', () => {
    expect(loadConfig({ LLM_PRICES: 'mistral-small-latest=0.2/0.6, mistral-embed=0.1/0' }, '/srv').llm.prices).toEqual({
      'mistral-small-latest': { input: 0.2, output: 0.6 },
      'mistral-embed': { input: 0.1, output: 0 },
    });
    expect(loadConfig({}, '/srv').llm.prices).toEqual({});
    expect(problemsOf({ LLM_PRICES: 'mistral-small-latest=cheap' })).toEqual([
      expect.stringMatching(/^LLM_PRICES: entries must look like model=input\/output/),
    ]);
  });

  it('keeps audit records a year unless told otherwise (0: forever)', () => {
    expect(loadConfig({}, '/srv').audit.retentionDays).toBe(365);
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '0' }, '/srv').audit.retentionDays).toBe(0);
    expect(problemsOf({ AUDIT_RETENTION_DAYS: '-1' })).toEqual([expect.stringMatching(/^AUDIT_RETENTION_DAYS/)]);
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

  it('takes PUBLIC_URL as an http(s) URL without a trailing slash', () => {
    expect(loadConfig({}, '/srv').publicUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: 'https://chat.example.org/' }, '/srv').publicUrl).toBe('https://chat.example.org');
    expect(problemsOf({ PUBLIC_URL: 'chat.example.org' })).toEqual([expect.stringMatching(/^PUBLIC_URL: must be a URL/)]);
  });

  it('serves the web client (WEB_UI) by default in development only', () => {
    const secret = 'k3J9xq2LmZ8vR4tY7wP1nB6cD0fG5hS2aQ';
    expect(loadConfig({}, '/srv').webUi).toBe(true);
    expect(loadConfig({ APP_ENV: 'test' }, '/srv').webUi).toBe(false);
    expect(loadConfig({ APP_ENV: 'production', JWT_SECRET_KEY: secret }, '/srv').webUi).toBe(false);
    expect(loadConfig({ APP_ENV: 'production', JWT_SECRET_KEY: secret, WEB_UI: 'true' }, '/srv').webUi).toBe(true);
    expect(loadConfig({ WEB_UI: 'off' }, '/srv').webUi).toBe(false);
    expect(problemsOf({ WEB_UI: 'maybe' })).toEqual([expect.stringContaining('WEB_UI')]);
  });

  it('runs one API process unless WEB_CONCURRENCY asks for 1 to 64 workers', () => {
    expect(loadConfig({}, '/srv').webConcurrency).toBe(1);
    expect(loadConfig({ WEB_CONCURRENCY: '4' }, '/srv').webConcurrency).toBe(4);
    expect(loadConfig({ WEB_CONCURRENCY: '4' }, '/srv').workerIndex).toBeUndefined();
    expect(problemsOf({ WEB_CONCURRENCY: '0' })).toEqual(['WEB_CONCURRENCY: must be between 1 and 64 (got "0")']);
    expect(problemsOf({ WEB_CONCURRENCY: '65' })).toEqual(['WEB_CONCURRENCY: must be between 1 and 64 (got "65")']);
    expect(problemsOf({ WEB_CONCURRENCY: 'auto' })).toEqual(['WEB_CONCURRENCY: must be an integer (got "auto")']);
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
      'JWT_SECRET_KEY: is required when APP_ENV=production; generate one with: openssl rand -base64 48',
      'CORS_ORIGINS: must list origins, not "*", when APP_ENV=production',
    ]);
    expect(problemsOf({ JWT_SECRET_KEY: 'short' })).toEqual([
      'JWT_SECRET_KEY: must be at least 32 characters; generate one with: openssl rand -base64 48',
    ]);
  });

  it('refuses a placeholder secret in production, naming it without quoting it, and only warns elsewhere', () => {
    const placeholder = 'your-secret-key-here-change-in-production';
    const problems = problemsOf({ APP_ENV: 'production', JWT_SECRET_KEY: placeholder, METRICS_TOKEN: 'metrics-metrics-metrics' });
    expect(problems).toEqual([
      'JWT_SECRET_KEY: looks like a placeholder (contains "secret-key"); generate one with: openssl rand -base64 48',
      'METRICS_TOKEN: repeats itself; generate one with: openssl rand -base64 48',
    ]);
    expect(problems.join()).not.toContain(placeholder);

    const development = loadConfig({ JWT_SECRET_KEY: placeholder, METRICS_TOKEN: 'scrape-secret' }, '/srv');
    expect(development.auth.jwtSecret).toBe(placeholder);
    expect(development.warnings).toEqual([
      expect.stringMatching(/^JWT_SECRET_KEY: looks like a placeholder .*refused when APP_ENV=production/),
      expect.stringMatching(/^METRICS_TOKEN: must be at least 16 characters/),
    ]);
    const generated = 'k3J9vQ2xN8pL5wR1tY7uE4oA6sD0fG3hZ2cV9bM1nX5q';
    expect(loadConfig({ APP_ENV: 'production', JWT_SECRET_KEY: generated }, '/srv').warnings).toEqual([]);
  });

  it('never quotes the password of a bad URL', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://app:hunter2@db/foyer' })).toEqual([
      'DATABASE_URL: must use postgres: or postgresql: or postgresql+asyncpg: or postgresql+psycopg: (got "mysql://app:***@db/foyer")',
    ]);
  });

  it('limits registrations per address, 20 an hour by default', () => {
    expect(loadConfig({}, '/srv').auth).toMatchObject({ registrationsPerWindow: 20, registrationWindowSeconds: 3600 });
    expect(loadConfig({ REGISTER_RATE_LIMIT: '5', REGISTER_RATE_WINDOW: '10m' }, '/srv').auth).toMatchObject({
      registrationsPerWindow: 5,
      registrationWindowSeconds: 600,
    });
  });

  it('wants the admin bootstrap variables together', () => {
    expect(problemsOf({ ADMIN_EMAIL: 'a@b.c' })).toHaveLength(1);
    const config = loadConfig({ ADMIN_EMAIL: 'a@b.c', ADMIN_TRIGRAMME: 'ABC', ADMIN_PASSWORD: 'secret-pass' }, '/srv');
    expect(config.auth.admin).toEqual({ email: 'a@b.c', trigramme: 'ABC', password: 'secret-pass' });
  });

  it('reads the LLM endpoints\' circuit breaker thresholds (LLM_BREAKER_*), and names a bad one', () => {
    expect(loadConfig({}, '/srv').llm.breaker).toEqual({
      consecutiveFailures: 5,
      failurePercent: 50,
      windowSeconds: 60,
      minRequests: 20,
      cooldownSeconds: 30,
    });
    const env = {
      LLM_BREAKER_FAILURES: '3',
      LLM_BREAKER_FAILURE_PERCENT: '0',
      LLM_BREAKER_WINDOW: '2m',
      LLM_BREAKER_MIN_REQUESTS: '10',
      LLM_BREAKER_COOLDOWN: '1m',
    };
    expect(loadConfig(env, '/srv').llm.breaker).toEqual({
      consecutiveFailures: 3,
      failurePercent: 0,
      windowSeconds: 120,
      minRequests: 10,
      cooldownSeconds: 60,
    });
    const problems = problemsOf({ LLM_BREAKER_FAILURES: '0', LLM_BREAKER_FAILURE_PERCENT: '101', LLM_BREAKER_MIN_REQUESTS: 'many', LLM_BREAKER_COOLDOWN: 'soon' });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'LLM_BREAKER_COOLDOWN',
      'LLM_BREAKER_FAILURES',
      'LLM_BREAKER_FAILURE_PERCENT',
      'LLM_BREAKER_MIN_REQUESTS',
    ]);
  });

  it('parses durations with units', () => {
    expect(loadConfig({ JWT_EXPIRES_IN: '12h' }, '/srv').auth.jwtExpiresInSeconds).toBe(43200);
    expect(loadConfig({ JWT_EXPIRES_IN: '3600' }, '/srv').auth.jwtExpiresInSeconds).toBe(3600);
  });

  it('limits uploads per user by default, in the units operators write', () => {
    expect(loadConfig({}, '/srv').limits).toMatchObject({
      uploadsPerWindow: 30,
      uploadWindowSeconds: 60,
      userStorageQuotaBytes: 1024 * 1024 * 1024,
      maxPendingDocumentsPerUser: 20,
    });
    expect(loadConfig({ UPLOAD_RATE_WINDOW: '10m', USER_STORAGE_QUOTA_MB: '5' }, '/srv').limits).toMatchObject({
      uploadWindowSeconds: 600,
      userStorageQuotaBytes: 5 * 1024 * 1024,
    });
    expect(problemsOf({ MAX_PENDING_DOCUMENTS_PER_USER: '0' })).toEqual([
      'MAX_PENDING_DOCUMENTS_PER_USER: must be between 1 and 100000 (got "0")',
    ]);
  });

  it('caps what one document may yield and the memory its extraction may take', () => {
    expect(loadConfig({}, '/srv').documents).toMatchObject({ maxChars: 2_000_000, pdfMaxStreamBytes: 100 * 1024 * 1024, jobMemoryMb: 512 });
    expect(loadConfig({ DOCUMENT_MAX_CHARS: '5000', PDF_MAX_STREAM_MB: '8', DOCUMENT_JOB_MEMORY_MB: '256' }, '/srv').documents).toMatchObject({
      maxChars: 5000,
      pdfMaxStreamBytes: 8 * 1024 * 1024,
      jobMemoryMb: 256,
    });
    expect(problemsOf({ DOCUMENT_JOB_MEMORY_MB: '16' })).toEqual(['DOCUMENT_JOB_MEMORY_MB: must be between 64 and 16384 (got "16")']);
  });

  it('bounds the shape of request bodies and socket payloads', () => {
    expect(loadConfig({}, '/srv').limits.bodyShape).toEqual({ maxDepth: 16, maxValues: 500 });
    expect(loadConfig({ MAX_JSON_DEPTH: '8', MAX_JSON_VALUES: '2000' }, '/srv').limits.bodyShape).toEqual({ maxDepth: 8, maxValues: 2000 });
    expect(problemsOf({ MAX_JSON_VALUES: '5' })).toEqual(['MAX_JSON_VALUES: must be between 10 and 1000000 (got "5")']);
  });

  it('keeps MCP tools safe by default: no local commands, bounded calls, secret-looking arguments redacted', () => {
    const secret = 'j'.repeat(40);
    const { mcp } = loadConfig({ JWT_SECRET_KEY: secret }, '/srv');
    expect(mcp).toMatchObject({ allowStdio: false, toolTimeoutSeconds: 30, maxResultBytes: 65536, maxRounds: 5, toolCallsPerMinute: 30, secretKey: secret });
    expect(['password', 'API_KEY', 'Authorization', 'refresh_token'].every((key) => mcp.auditRedact.test(key))).toBe(true);
    expect(mcp.auditRedact.test('query')).toBe(false);

    const custom = loadConfig({ MCP_ALLOW_STDIO: 'true', MCP_AUDIT_REDACT: '(?i)^pin$', MCP_SECRET_KEY: 'm'.repeat(32) }, '/srv').mcp;
    expect(custom).toMatchObject({ allowStdio: true, secretKey: 'm'.repeat(32) });
    expect([custom.auditRedact.test('PIN'), custom.auditRedact.test('pinned')]).toEqual([true, false]);
  });

  it('names each bad MCP_* variable, never quoting the secret key', () => {
    const problems = problemsOf({
      MCP_ALLOW_STDIO: 'maybe',
      MCP_TOOL_TIMEOUT_SECONDS: '0',
      MCP_MAX_RESULT_BYTES: 'lots',
      MCP_MAX_ROUNDS: '100',
      MCP_TOOL_CALLS_PER_MINUTE: '-1',
      MCP_AUDIT_REDACT: '(unclosed',
      MCP_SECRET_KEY: 'short-secret',
    });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'MCP_ALLOW_STDIO',
      'MCP_AUDIT_REDACT',
      'MCP_MAX_RESULT_BYTES',
      'MCP_MAX_ROUNDS',
      'MCP_SECRET_KEY',
      'MCP_TOOL_CALLS_PER_MINUTE',
      'MCP_TOOL_TIMEOUT_SECONDS',
    ]);
    expect(problems.join('\n')).not.toContain('short-secret');
  });
});

const OIDC = {
  OIDC_ISSUER: 'https://login.example.org/realms/staff',
  OIDC_CLIENT_ID: 'foyergpt',
  OIDC_CLIENT_SECRET: 'not-shown',
  OIDC_REDIRECT_URL: 'https://chat.example.org/api/auth/oidc/callback',
};

describe('OIDC_* configuration', () => {
  it('is off unless OIDC_ISSUER is set; password sign-in stays on', () => {
    const { auth } = loadConfig({}, '/srv');
    expect(auth.oidc).toBeNull();
    expect(auth.passwordLogin).toBe(true);
  });

  it('reads the provider with safe defaults: create accounts, never link by email, roles and groups stay ours', () => {
    const { auth } = loadConfig({ ...OIDC, OIDC_ALLOWED_DOMAINS: '@Example.org, example.com', OIDC_ADMIN_GROUPS: 'it-admins' }, '/srv');
    expect(auth.oidc).toEqual({
      issuer: OIDC.OIDC_ISSUER,
      clientId: 'foyergpt',
      clientSecret: 'not-shown',
      scopes: ['openid', 'email', 'profile'],
      redirectUrl: OIDC.OIDC_REDIRECT_URL,
      postLoginUrl: '/',
      postLogoutUrl: undefined,
      displayName: 'Single sign-on',
      autoCreate: true,
      linkVerifiedEmail: false,
      allowedDomains: ['example.org', 'example.com'],
      trigrammeClaim: undefined,
      groupsClaim: 'groups',
      adminGroups: ['it-admins'],
      syncGroups: false,
    });
  });

  it('names what is missing, and never quotes the client secret', () => {
    expect(problemsOf({ OIDC_ISSUER: OIDC.OIDC_ISSUER, OIDC_CLIENT_SECRET: 'hunter2' })).toEqual([
      'OIDC_CLIENT_ID: is required when OIDC_ISSUER is set',
      expect.stringMatching(/^OIDC_REDIRECT_URL: is required when OIDC_ISSUER is set/),
    ]);
    expect(problemsOf({ OIDC_CLIENT_ID: 'foyergpt' })).toEqual(['OIDC_ISSUER: is required when OIDC_CLIENT_ID or OIDC_REDIRECT_URL is set']);
    expect(problemsOf({ ...OIDC, OIDC_SCOPES: 'email profile' })).toEqual(['OIDC_SCOPES: must include openid']);
    expect(problemsOf({ ...OIDC, OIDC_ISSUER: 'login.example.org' }).join(' ')).not.toContain('not-shown');
  });

  it('refuses PASSWORD_LOGIN=false without single sign-on: nobody could sign in', () => {
    expect(problemsOf({ PASSWORD_LOGIN: 'false' })).toEqual([expect.stringMatching(/^PASSWORD_LOGIN: false needs single sign-on/)]);
    expect(loadConfig({ ...OIDC, PASSWORD_LOGIN: 'false' }, '/srv').auth.passwordLogin).toBe(false);
  });
});
