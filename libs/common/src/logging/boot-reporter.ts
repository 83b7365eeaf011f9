import type { LoggerService } from '@nestjs/common';
import pino from 'pino';
import { ConfigError, Env, LOG_LEVELS, LogLevel, StartupError } from '#config';

/** What the operator can act on: the bad settings, or the startup error's own line. */
function explain(error: unknown): { message: string; known: boolean } {
  if (error instanceof ConfigError) return { message: `invalid configuration: ${error.problems.join('; ')}`, known: true };
  if (error instanceof StartupError) return { message: error.message, known: true };
  return { message: error instanceof Error ? error.message || error.name : String(error), known: false };
}

/**
 * Speaks for a process until its app logger takes over, and reports a failed
 * boot as one line (JSON in production, plain text elsewhere) before exit 1.
 * Works from the raw environment, since the failure may be the configuration.
 */
export class BootReporter {
  private readonly production: boolean;
  private readonly json: pino.Logger;

  constructor(
    private readonly processName: string,
    env: Env,
  ) {
    this.production = env.APP_ENV?.trim().toLowerCase() === 'production';
    const level = env.LOG_LEVEL?.trim().toLowerCase() as LogLevel;
    this.json = pino({ level: LOG_LEVELS.includes(level) ? level : 'info' }, pino.destination({ dest: 1, sync: true }));
  }

  /**
   * Nest's own messages while it boots (module init, database retries with stacks): kept at debug level,
   * since a failure is reported once by `fail` and a success hands them to the app logger.
   */
  readonly nestLogger: LoggerService = {
    log: (message: unknown, context?: unknown) => this.json.debug({ context }, String(message)),
    error: (message: unknown, ...rest: unknown[]) => this.json.debug({ detail: rest }, String(message)),
    warn: (message: unknown, context?: unknown) => this.json.debug({ context }, String(message)),
    debug: (message: unknown, context?: unknown) => this.json.debug({ context }, String(message)),
    verbose: (message: unknown, context?: unknown) => this.json.trace({ context }, String(message)),
  };

  fail(error: unknown): never {
    const { message, known } = explain(error);
    const line = `${this.processName} could not start: ${message}`;
    if (this.production) {
      // Printed even under LOG_LEVEL=silent: an exit 1 without its reason helps nobody.
      this.json.child({}, { level: 'fatal' }).fatal(known ? {} : { err: error }, line);
    } else {
      const stack = !known && error instanceof Error && error.stack ? `\n${error.stack}` : '';
      process.stderr.write(`${line}${stack}\n`);
    }
    process.exit(1);
  }
}
