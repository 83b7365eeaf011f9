import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Env, EnvReader } from './env-parsers';
import { checkEndpointEmbeddings, LlmEndpointConfig, readLlmEndpoints } from './llm-endpoints';
import { OidcConfig, readOidcConfig } from './oidc-config';
import { checkSecret, GENERATE_SECRET_HINT } from './secret-strength';
import { ModelPrice, readModelPrices } from './model-prices';

export const APP_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export const LLM_MODES = ['api', 'mistral', 'vllm'] as const;
export const EMBEDDING_PROVIDERS = ['mistral', 'vllm', 'none'] as const;

export type AppEnv = (typeof APP_ENVS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
/** One of EMBEDDING_PROVIDERS or the name of an LLM_ENDPOINTS endpoint. */
export type EmbeddingProvider = string;

/**
 * When an endpoint's breaker opens: after `consecutiveFailures` failures in a
 * row, or when `failurePercent` of at least `minRequests` calls in the last
 * `windowSeconds` failed (0: that rule is off). After `cooldownSeconds` one
 * probe goes through (half-open); its success closes the breaker.
 */
export interface BreakerConfig {
  consecutiveFailures: number;
  failurePercent: number;
  windowSeconds: number;
  minRequests: number;
  cooldownSeconds: number;
}

export interface AppConfig {
  appEnv: AppEnv;
  logLevel: LogLevel;
  host: string;
  port: number;
  /**
   * WEB_CONCURRENCY: API worker processes sharing HOST:PORT (node's cluster), 1 to 64; default 1,
   * one process. In production, the number of cores; above 1 needs REDIS_URL and DATABASE_URL.
   */
  webConcurrency: number;
  /** Set by the API's primary process in each of its workers (0 to WEB_CONCURRENCY-1); never an operator setting. */
  workerIndex?: number;
  corsOrigins: string[];
  /** WEB_UI: serve the reference web client (dist/web) at `/`; default on in development only. */
  webUi: boolean;
  /** Where clients reach the API (PUBLIC_URL, e.g. behind a proxy); the OpenAPI `servers` entry. */
  publicUrl?: string;
  dataDir: string;
  uploadDir: string;
  /** PostgreSQL URL; undefined means the embedded PGlite database under dataDir. */
  databaseUrl?: string;
  databasePoolSize: number;
  /** Redis URL; undefined means in-memory cache, rate limits and jobs. */
  redisUrl?: string;
  redisKeyPrefix: string;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** Settings accepted outside production that a production boot would refuse; logged at start-up. */
  warnings: string[];
  auth: {
    /** Undefined until resolved: in development a generated secret is kept in dataDir. */
    jwtSecret?: string;
    jwtExpiresInSeconds: number;
    bcryptRounds: number;
    allowRegistration: boolean;
    /** PASSWORD_LOGIN=false: no password sign-in or registration (single sign-on only; the CLI still makes admins). */
    passwordLogin: boolean;
    /** Single sign-on; null when OIDC_ISSUER is unset. */
    oidc: OidcConfig | null;
    loginAttemptsPerWindow: number;
    loginWindowSeconds: number;
    /** Registrations allowed per client IP in the window. */
    registrationsPerWindow: number;
    registrationWindowSeconds: number;
    admin?: { email: string; trigramme: string; password: string };
  };
  llm: {
    mode: 'mistral' | 'vllm';
    apiUrl: string;
    apiKey?: string;
    apiModel: string;
    pixtralModel: string;
    vllmApiUrl?: string;
    vllmModelName?: string;
    vllmApiKey?: string;
    pixtralVllmUrl?: string;
    pixtralVllmModel?: string;
    /** Extra OpenAI-compatible servers (LLM_ENDPOINTS), after Mistral's API and vLLM. */
    endpoints: LlmEndpointConfig[];
    embeddingProvider: EmbeddingProvider;
    embeddingModel: string;
    /** Context window used to fit the chat history, in tokens. */
    contextTokens: number;
    /** Tokens kept free in the context window for the answer. */
    maxOutputTokens: number;
    firstTokenTimeoutSeconds: number;
    idleTimeoutSeconds: number;
    maxGenerationSeconds: number;
    /** Attempts after a failure before the first token (unreachable provider, 5xx): on the next healthy endpoint, then a fallback model. */
    retries: number;
    /** Each endpoint's circuit breaker (shared through Redis when configured). */
    breaker: BreakerConfig;
    /** LLM_PRICES: per model, the price of a million input and output tokens; the ledger's cost. */
    prices: Record<string, ModelPrice>;
  };
  limits: {
    messagesPerMinute: number;
    maxUploadBytes: number;
    requestBodyBytes: number;
    /**
     * Shape of a parsed body or socket payload, checked before any transformation:
     * nesting depth, and values (every object field and array item, nested ones included).
     */
    bodyShape: { maxDepth: number; maxValues: number };
    systemPromptMaxChars: number;
    messageMaxChars: number;
    concurrentGenerationsPerUser: number;
    /** Answer streams (SSE) one user may hold open on one instance. */
    streamsPerUser: number;
    uploadsPerWindow: number;
    uploadWindowSeconds: number;
    /** Sum of the sizes of the documents a user uploaded. */
    userStorageQuotaBytes: number;
    /** Documents of one user waiting for extraction, so no one monopolises the queue. */
    maxPendingDocumentsPerUser: number;
    /** Socket.IO connections one user may hold open, across every instance when Redis is on. */
    socketsPerUser: number;
  };
  jobs: {
    sessionCleanupIntervalSeconds: number;
  };
  audit: {
    /** AUDIT_RETENTION_DAYS: older audit records are deleted; 0 keeps them forever. */
    retentionDays: number;
  };
  documents: {
    maxPages: number;
    maxImagePixels: number;
    docxMaxUncompressedBytes: number;
    docxMaxEntries: number;
    /** Extracted text of one document; longer documents fail rather than flood the index. */
    maxChars: number;
    /** Decoded size of one compressed PDF stream (content, font, object stream). */
    pdfMaxStreamBytes: number;
    /** Heap and buffers of one extraction thread; beyond it the document fails, the process lives. */
    jobMemoryMb: number;
    jobTimeoutSeconds: number;
    ocrWorkers: number;
  };
  /** Tools from MCP servers (libs/mcp). */
  mcp: McpConfig;
  retrieval: {
    chunkTokens: number;
    chunkOverlapTokens: number;
    /** Tokens of sources (and memories) put into one prompt. */
    contextTokens: number;
    topK: number;
  };
}

export interface McpConfig {
  /** MCP_ALLOW_STDIO: servers run as local commands may be registered and started. */
  allowStdio: boolean;
  toolTimeoutSeconds: number;
  /** A tool result is cut past this many bytes (UTF-8). */
  maxResultBytes: number;
  /** Model calls that may ask for tools in one answer. */
  maxRounds: number;
  /** Tool calls one user's answers may make per minute. */
  toolCallsPerMinute: number;
  /** Argument keys whose values the audit records as "[redacted]". */
  auditRedact: RegExp;
  /** Keying material for the servers' stored secrets: MCP_SECRET_KEY, else the JWT secret (never logged). */
  secretKey: string;
}

/** A regular expression from the environment; a leading `(?i)` (the seed's syntax) means case-insensitive. */
function readRegExp(read: EnvReader, name: string, fallback: RegExp): RegExp {
  const value = read.optional(name);
  if (value === undefined) return fallback;
  const insensitive = value.startsWith('(?i)');
  try {
    return new RegExp(insensitive ? value.slice(4) : value, insensitive ? 'i' : '');
  } catch {
    read.fail(name, `must be a regular expression (got "${value}")`);
    return fallback;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The seed writes SQLAlchemy URLs (postgresql+asyncpg://); node-postgres wants postgresql://. */
function normaliseDatabaseUrl(url: string | undefined): string | undefined {
  return url?.replace(/^postgres(ql)?\+\w+:\/\//, 'postgresql://');
}

/** Reads and validates every setting once; throws ConfigError naming each bad variable. */
export function loadConfig(env: Env, cwd = process.cwd()): AppConfig {
  const read = new EnvReader(env);
  const appEnv = read.oneOf('APP_ENV', 'development', APP_ENVS);
  const llmMode = read.oneOf('LLM_MODE', 'api', LLM_MODES);
  const mode = llmMode === 'vllm' ? 'vllm' : 'mistral';

  const databaseUrl = read.url('DATABASE_URL', [
    'postgres:',
    'postgresql:',
    'postgresql+asyncpg:',
    'postgresql+psycopg:',
  ]);
  const redisUrl = read.url('REDIS_URL', ['redis:', 'rediss:']);
  const production = appEnv === 'production';
  const jwtSecret = read.optional('JWT_SECRET_KEY');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    read.fail('JWT_SECRET_KEY', `must be at least 32 characters; ${GENERATE_SECRET_HINT}`);
  } else {
    checkSecret(read, 'JWT_SECRET_KEY', production, 32);
  }
  if (appEnv === 'production' && jwtSecret === undefined) {
    read.fail('JWT_SECRET_KEY', `is required when APP_ENV=production; ${GENERATE_SECRET_HINT}`);
  }

  const mcpSecretKey = read.optional('MCP_SECRET_KEY');
  if (mcpSecretKey !== undefined && mcpSecretKey.length < 32) {
    read.fail('MCP_SECRET_KEY', `must be at least 32 characters; ${GENERATE_SECRET_HINT}`);
  }

  const corsOrigins = read.list('CORS_ORIGINS', ['http://localhost:8060']);
  if (appEnv === 'production' && corsOrigins.includes('*')) {
    read.fail('CORS_ORIGINS', 'must list origins, not "*", when APP_ENV=production');
  }

  const passwordLogin = read.bool('PASSWORD_LOGIN', true);
  const oidc = readOidcConfig(read);
  if (!passwordLogin && !oidc) read.fail('PASSWORD_LOGIN', 'false needs single sign-on (OIDC_ISSUER...): nobody could sign in');
  const endpoints = readLlmEndpoints(read);
  const embeddingProvider = read.oneOf('EMBEDDING_PROVIDER', mode === 'mistral' ? 'mistral' : 'none', [
    ...EMBEDDING_PROVIDERS,
    ...endpoints.map((endpoint) => endpoint.name),
  ]);
  const embeddingModel = read.string('EMBEDDING_MODEL', 'mistral-embed');
  checkEndpointEmbeddings(read, endpoints, embeddingProvider, embeddingModel);

  const adminEmail = read.optional('ADMIN_EMAIL');
  const adminTrigramme = read.optional('ADMIN_TRIGRAMME');
  const adminPassword = read.optional('ADMIN_PASSWORD');
  const adminGiven = [adminEmail, adminTrigramme, adminPassword].filter(Boolean).length;
  if (adminGiven > 0 && adminGiven < 3) {
    read.fail('ADMIN_EMAIL', 'ADMIN_EMAIL, ADMIN_TRIGRAMME and ADMIN_PASSWORD go together');
  }

  const config: AppConfig = {
    appEnv,
    logLevel: read.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
    host: read.string('HOST', '0.0.0.0'),
    port: read.int('PORT', 8061, 0, 65535),
    webConcurrency: read.int('WEB_CONCURRENCY', 1, 1, 64),
    corsOrigins,
    webUi: read.bool('WEB_UI', appEnv === 'development'),
    publicUrl: read.url('PUBLIC_URL', ['http:', 'https:'])?.replace(/\/+$/, ''),
    dataDir: path.resolve(cwd, read.string('DATA_DIR', './data')),
    uploadDir: path.resolve(cwd, read.string('UPLOAD_DIR', './uploads')),
    databaseUrl: normaliseDatabaseUrl(databaseUrl),
    databasePoolSize: read.int('DATABASE_POOL_SIZE', 10, 1, 200),
    redisUrl,
    redisKeyPrefix: read.string('REDIS_KEY_PREFIX', 'foyergpt:'),
    metricsToken: checkSecret(read, 'METRICS_TOKEN', production, 16),
    warnings: read.warnings,
    auth: {
      jwtSecret,
      jwtExpiresInSeconds: read.duration('JWT_EXPIRES_IN', 7 * 86400),
      bcryptRounds: read.int('BCRYPT_ROUNDS', 10, appEnv === 'production' ? 10 : 4, 15),
      allowRegistration: read.bool('ALLOW_REGISTRATION', true),
      passwordLogin,
      oidc,
      loginAttemptsPerWindow: read.int('LOGIN_RATE_LIMIT', 10, 1, 10000),
      loginWindowSeconds: read.duration('LOGIN_RATE_WINDOW', 900),
      registrationsPerWindow: read.int('REGISTER_RATE_LIMIT', 20, 1, 100_000),
      registrationWindowSeconds: read.duration('REGISTER_RATE_WINDOW', 3600),
      admin:
        adminEmail && adminTrigramme && adminPassword
          ? { email: adminEmail, trigramme: adminTrigramme, password: adminPassword }
          : undefined,
    },
    llm: {
      mode,
      apiUrl: read.url('API_URL', ['http:', 'https:']) ?? 'https://api.mistral.ai/v1',
      apiKey: read.optional('API_KEY'),
      apiModel: read.string('API_MODEL', 'mistral-small-latest'),
      pixtralModel: read.string('PIXTRAL_MODEL', 'pixtral-large-latest'),
      vllmApiUrl: read.url('VLLM_API_URL', ['http:', 'https:']),
      vllmModelName: read.optional('VLLM_MODEL_NAME'),
      vllmApiKey: read.optional('VLLM_API_KEY'),
      pixtralVllmUrl: read.url('PIXTRAL_VLLM_URL', ['http:', 'https:']),
      pixtralVllmModel: read.optional('PIXTRAL_VLLM_MODEL'),
      endpoints,
      embeddingProvider,
      embeddingModel,
      contextTokens: read.int('LLM_CONTEXT_TOKENS', 32768, 1024, 2_000_000),
      maxOutputTokens: read.int('LLM_MAX_OUTPUT_TOKENS', 4096, 16, 200_000),
      firstTokenTimeoutSeconds: read.duration('LLM_FIRST_TOKEN_TIMEOUT', 60),
      idleTimeoutSeconds: read.duration('LLM_IDLE_TIMEOUT', 60),
      maxGenerationSeconds: read.duration('LLM_MAX_GENERATION_TIME', 600),
      retries: read.int('LLM_RETRIES', 2, 0, 10),
      breaker: {
        consecutiveFailures: read.int('LLM_BREAKER_FAILURES', 5, 1, 1000),
        failurePercent: read.int('LLM_BREAKER_FAILURE_PERCENT', 50, 0, 100),
        windowSeconds: read.duration('LLM_BREAKER_WINDOW', 60),
        minRequests: read.int('LLM_BREAKER_MIN_REQUESTS', 20, 1, 100000),
        cooldownSeconds: read.duration('LLM_BREAKER_COOLDOWN', 30),
      },
      prices: readModelPrices(read),
    },
    limits: {
      messagesPerMinute: read.int('RATE_LIMIT_MESSAGES_PER_MINUTE', 10, 1, 100000),
      maxUploadBytes: read.int('MAX_UPLOAD_MB', 25, 1, 1024) * 1024 * 1024,
      requestBodyBytes: read.int('MAX_JSON_BODY_KB', 1024, 16, 65536) * 1024,
      bodyShape: {
        maxDepth: read.int('MAX_JSON_DEPTH', 16, 2, 1000),
        maxValues: read.int('MAX_JSON_VALUES', 500, 10, 1_000_000),
      },
      systemPromptMaxChars: read.int('AGENT_PROMPT_MAX_CHARS', 32000, 100, 200000),
      messageMaxChars: read.int('MESSAGE_MAX_CHARS', 32000, 100, 1_000_000),
      concurrentGenerationsPerUser: read.int('MAX_CONCURRENT_GENERATIONS', 3, 1, 10_000),
      streamsPerUser: read.int('MAX_STREAMS_PER_USER', 20, 1, 10_000),
      uploadsPerWindow: read.int('UPLOAD_RATE_LIMIT', 30, 1, 100_000),
      uploadWindowSeconds: read.duration('UPLOAD_RATE_WINDOW', 60),
      userStorageQuotaBytes: read.int('USER_STORAGE_QUOTA_MB', 1024, 1, 10_000_000) * 1024 * 1024,
      maxPendingDocumentsPerUser: read.int('MAX_PENDING_DOCUMENTS_PER_USER', 20, 1, 100_000),
      socketsPerUser: read.int('MAX_SOCKETS_PER_USER', 20, 1, 10_000),
    },
    jobs: {
      sessionCleanupIntervalSeconds: read.duration('SESSION_CLEANUP_INTERVAL', 3600),
    },
    audit: {
      retentionDays: read.int('AUDIT_RETENTION_DAYS', 365, 0, 36_500),
    },
    documents: {
      maxPages: read.int('DOCUMENT_MAX_PAGES', 500, 1, 100_000),
      maxImagePixels: read.int('IMAGE_MAX_MEGAPIXELS', 50, 1, 1000) * 1_000_000,
      docxMaxUncompressedBytes: read.int('DOCX_MAX_UNCOMPRESSED_MB', 200, 1, 10_000) * 1024 * 1024,
      docxMaxEntries: read.int('DOCX_MAX_ENTRIES', 5000, 10, 1_000_000),
      maxChars: read.int('DOCUMENT_MAX_CHARS', 2_000_000, 1000, 100_000_000),
      pdfMaxStreamBytes: read.int('PDF_MAX_STREAM_MB', 100, 1, 4096) * 1024 * 1024,
      jobMemoryMb: read.int('DOCUMENT_JOB_MEMORY_MB', 512, 64, 16_384),
      jobTimeoutSeconds: read.duration('DOCUMENT_JOB_TIMEOUT', 600),
      ocrWorkers: read.int('OCR_WORKERS', Math.max(1, availableParallelism()), 1, 64),
    },
    mcp: {
      allowStdio: read.bool('MCP_ALLOW_STDIO', false),
      toolTimeoutSeconds: read.int('MCP_TOOL_TIMEOUT_SECONDS', 30, 1, 3600),
      maxResultBytes: read.int('MCP_MAX_RESULT_BYTES', 65536, 256, 16 * 1024 * 1024),
      maxRounds: read.int('MCP_MAX_ROUNDS', 5, 1, 50),
      toolCallsPerMinute: read.int('MCP_TOOL_CALLS_PER_MINUTE', 30, 1, 100_000),
      auditRedact: readRegExp(read, 'MCP_AUDIT_REDACT', /(pass|secret|token|key|auth)/i),
      secretKey: mcpSecretKey ?? jwtSecret ?? '',
    },
    retrieval: {
      chunkTokens: read.int('CHUNK_TOKENS', 400, 50, 8000),
      chunkOverlapTokens: read.int('CHUNK_OVERLAP_TOKENS', 60, 0, 2000),
      contextTokens: read.int('RAG_CONTEXT_TOKENS', 3000, 200, 100_000),
      topK: read.int('RAG_TOP_K', 6, 1, 50),
    },
  };

  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}
