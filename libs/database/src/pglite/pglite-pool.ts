import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';

type Release = (error?: unknown) => void;
type QueryCallback = (error: Error | null, result: PgStyleResult | null) => void;
type ConnectCallback = (error: Error | null, client: PGliteClient | null, release: Release) => void;

interface PgStyleResult {
  rows: unknown[];
  rowCount: number;
  command: string;
}

/** The first SQL keyword, which node-postgres reports as `command` and TypeORM reads. */
function commandOf(sql: string): string {
  return /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
}

/** Looks like a node-postgres client to TypeORM; every query goes to the one PGlite. */
class PGliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  /** node-postgres style: (sql, params?, callback?); TypeORM uses both promise and callback. */
  query(sql: string, parameters?: unknown[] | QueryCallback, callback?: QueryCallback): Promise<PgStyleResult> {
    const done = typeof parameters === 'function' ? parameters : callback;
    const result = this.run(sql, Array.isArray(parameters) ? parameters : undefined);
    if (done) result.then((value) => done(null, value), (error: Error) => done(error, null));
    return result;
  }

  private async run(sql: string, parameters?: unknown[]): Promise<PgStyleResult> {
    if (parameters && parameters.length > 0) {
      const result = await this.db.query(sql, parameters);
      return { rows: result.rows, rowCount: result.affectedRows ?? 0, command: commandOf(sql) };
    }
    // exec accepts several statements (migrations); TypeORM wants the last result.
    const results = await this.db.exec(sql);
    const last = results[results.length - 1];
    return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? 0, command: commandOf(sql) };
  }
}

/**
 * A node-postgres-shaped pool over one in-process PGlite database.
 *
 * PGlite has a single session, so two TypeORM query runners sharing it would
 * interleave their transactions. Handing out the client under a mutex gives
 * each query runner the session to itself until it releases it, which is what
 * a real pool guarantees.
 */
export class PGlitePool extends EventEmitter {
  private readonly client: PGliteClient;
  private queue: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(
    private readonly db: PGlite,
    private readonly onEnd: () => Promise<void>,
  ) {
    super();
    this.client = new PGliteClient(db);
  }

  connect(callback: ConnectCallback): void {
    if (this.ended) {
      callback(new Error('The embedded database is closed'), null, () => undefined);
      return;
    }
    const previous = this.queue;
    let unlock!: () => void;
    this.queue = new Promise((resolve) => (unlock = resolve));
    void previous.then(() => {
      let released = false;
      callback(null, this.client, () => {
        if (released) return;
        released = true;
        unlock();
      });
    });
  }

  end(callback?: (error?: Error) => void): Promise<void> {
    this.ended = true;
    const closing = this.queue.then(() => this.onEnd());
    closing.then(
      () => callback?.(),
      (error: Error) => callback?.(error),
    );
    return closing;
  }
}

/** Passed as TypeORM's `driver` option: TypeORM only calls `new driver.Pool()`. `unlock` runs once the database is closed. */
export function pgliteDriver(db: PGlite, unlock: () => void): { Pool: new () => PGlitePool } {
  return {
    Pool: class extends PGlitePool {
      constructor() {
        super(db, () => db.close().finally(unlock));
      }
    },
  };
}
