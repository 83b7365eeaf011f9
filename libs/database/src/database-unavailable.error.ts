import { redactUrl, StartupError } from '#config';

/** What to try, by node-postgres error code (PostgreSQL SQLSTATE or socket error). */
const HINTS: Record<string, string> = {
  '3D000': 'create that database (createdb) or fix its name in DATABASE_URL',
  '28P01': 'check the user and password in DATABASE_URL',
  '28000': 'check the user in DATABASE_URL and the server\'s pg_hba.conf',
  ECONNREFUSED: 'check that PostgreSQL is running at that host and port',
  ENOTFOUND: 'check the host name in DATABASE_URL',
  EAI_AGAIN: 'check the host name in DATABASE_URL and DNS',
  ETIMEDOUT: 'check the host, the port and any firewall between',
};

/** Worth another attempt: the server may be starting or briefly out of reach. */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', '57P03']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** PostgreSQL could not be reached or refused us at boot; says where (password hidden) and what to try. */
export class DatabaseUnavailableError extends StartupError {
  readonly transient: boolean;

  constructor(url: string, cause: unknown) {
    const code = codeOf(cause);
    // A refused connection to a name with several addresses is an AggregateError with an empty message.
    const reason = (cause instanceof Error && cause.message) || code || String(cause);
    const hint = (code && HINTS[code]) ?? 'check DATABASE_URL and that PostgreSQL is reachable';
    super(`cannot connect to PostgreSQL at ${redactUrl(url)} (DATABASE_URL): ${reason}; ${hint}`, { cause });
    this.name = 'DatabaseUnavailableError';
    this.transient = code !== undefined && TRANSIENT.has(code);
  }
}
