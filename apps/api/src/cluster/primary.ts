import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { AppConfig, StartupError } from '#config';
import { SOCKET_PATH } from '../realtime/socket-io.adapter';
import { Balancer } from './balancer';
import { checkClusterRequirements } from './cluster-requirements';
import { isReadyMessage, WORKER_ENV } from './cluster-protocol';
import { CrashLoopGuard, EARLY_DEATH_MS, MAX_EARLY_DEATHS } from './crash-loop-guard';
import { listenError } from './listen-error';
import { migrateBeforeForking } from './primary-migrations';
import { WorkerPool } from './worker-pool';

/** Workers still running this long after SIGTERM are killed (their answers were already told to stop). */
const SHUTDOWN_GRACE_MS = 30_000;

function describeExit(code: number | null, signal: string | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

/**
 * The primary process of WEB_CONCURRENCY workers: does the boot work that
 * must happen once, owns the port (Balancer), keeps WEB_CONCURRENCY workers
 * running, and stops them all on SIGTERM or SIGINT. It runs no app itself.
 */
export class Primary {
  private readonly log: pino.Logger;
  private readonly pool = new WorkerPool();
  private readonly balancer = new Balancer(this.pool, SOCKET_PATH);
  private readonly guard = new CrashLoopGuard();
  private socketDir = '';
  private booted = false;
  private stopping = false;

  constructor(private readonly config: AppConfig) {
    this.log = pino({ level: config.logLevel }, pino.destination({ dest: 1, sync: true })).child({ context: 'ClusterPrimary' });
  }

  async start(): Promise<void> {
    const { config } = this;
    checkClusterRequirements(config);
    for (const warning of config.warnings) this.log.warn(warning);
    await migrateBeforeForking(config);
    await this.listen();
    this.socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'foyergpt-api-'));
    try {
      await Promise.all(Array.from({ length: config.webConcurrency }, (_, index) => this.startWorker(index)));
    } catch (error) {
      this.balancer.close();
      for (const worker of this.pool.workers()) worker.process.kill('SIGKILL');
      fs.rmSync(this.socketDir, { recursive: true, force: true });
      throw error;
    }
    this.booted = true;
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void this.stop(signal));
    this.log.info(
      `FoyerGPT API listening on http://${config.host}:${config.port} (database=postgresql redis=on; ${config.webConcurrency} workers); docs at /api/docs`,
    );
  }

  private listen(): Promise<void> {
    const { server } = this.balancer;
    return new Promise((resolve, reject) => {
      const refused = (error: Error) => reject(listenError(error, this.config));
      server.once('error', refused);
      server.listen(this.config.port, this.config.host, () => {
        server.off('error', refused);
        // An accept that fails later (e.g. out of file descriptors) costs that client, not every worker.
        server.on('error', (error) => this.log.error({ err: error }, 'Could not accept a connection'));
        resolve();
      });
    });
  }

  /** Forks worker `index`; resolves once it is ready, rejects if it dies first. */
  private startWorker(index: number): Promise<void> {
    const worker = cluster.fork({
      [WORKER_ENV.index]: String(index),
      [WORKER_ENV.bootDone]: '1',
      [WORKER_ENV.socketDir]: this.socketDir,
    });
    this.pool.add(index, worker);
    return new Promise((resolve, reject) => {
      worker.on('message', (message: unknown) => {
        if (!isReadyMessage(message)) return;
        this.pool.markReady(index, worker);
        this.balancer.flush();
        this.log.info(`API worker ${index} started (pid ${worker.process.pid})`);
        resolve();
      });
      worker.once('exit', (code, signal) => {
        reject(new StartupError(`API worker ${index} could not start (${describeExit(code, signal)}): see its error above`));
        this.onExit(index, worker, code, signal);
      });
    });
  }

  private onExit(index: number, worker: Worker, code: number | null, signal: string | null): void {
    const lived = this.pool.remove(index, worker);
    // Before every worker is up, a death is a failed boot: start() reports it.
    if (this.stopping || !this.booted || lived === undefined) return;
    const exit = describeExit(code, signal);
    if (!this.guard.shouldReplace(lived)) {
      this.log.fatal(
        `API worker ${index} (pid ${worker.process.pid}) ended (${exit}); ${MAX_EARLY_DEATHS} workers in a row died within ` +
          `${EARLY_DEATH_MS / 1000} s of starting: stopping (see the workers' errors above)`,
      );
      void this.stop('crash loop', 1);
      return;
    }
    this.log.error(`API worker ${index} (pid ${worker.process.pid}) ended (${exit}); starting another`);
    // A replacement that dies is the guard's to judge, not a boot failure.
    this.startWorker(index).catch(() => undefined);
  }

  /** Stops accepting, lets every worker run its shutdown (answers in flight end `interrupted`), then exits. */
  private async stop(reason: string, exitCode = 0): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.balancer.close();
    const workers = this.pool.workers().filter((worker) => worker.process.exitCode === null && worker.process.signalCode === null);
    this.log.info(`${reason}: stopping ${workers.length} API workers`);
    const exited = workers.map((worker) => new Promise<void>((resolve) => worker.once('exit', () => resolve())));
    for (const worker of workers) worker.process.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.log.error(`API workers still running ${SHUTDOWN_GRACE_MS / 1000} s after SIGTERM: killing them`);
      for (const worker of workers) worker.process.kill('SIGKILL');
      exitCode = 1;
    }, SHUTDOWN_GRACE_MS);
    await Promise.all(exited);
    clearTimeout(timer);
    fs.rmSync(this.socketDir, { recursive: true, force: true });
    this.log.info('API stopped');
    process.exit(exitCode);
  }
}
