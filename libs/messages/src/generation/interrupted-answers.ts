import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { ANSWER_INTERRUPTED } from './final-event';
import { GenerationService } from './generation.service';
import { AnswerEndingsRepository } from '#database';

/** A running answer's heartbeat is refreshed every second; this much silence means its process is gone. */
export const ORPHAN_AFTER_SECONDS = 30;
const SWEEP_INTERVAL_MS = 10_000;
// Beyond the longest an answer may run, plus room for its final write.
const OVERDUE_GRACE_SECONDS = 120;

/**
 * Answers cut by a crash end `interrupted` with their saved text, and their
 * followers (SSE, sockets, any instance) get the end. At boot, a single
 * instance (embedded database, or no Redis) owns every answer, so any still
 * `streaming` is its previous life's; instances sharing PostgreSQL and Redis
 * only take those whose heartbeat stopped, at boot and then every 10 s.
 */
@Injectable()
export class InterruptedAnswers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('InterruptedAnswers');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly endings: AnswerEndingsRepository,
    private readonly generation: GenerationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const shared = !!this.config.databaseUrl && !!this.config.redisUrl;
    await this.sweep(!shared);
    this.timer = setInterval(
      () => void this.sweep(false).catch((error: unknown) => this.logger.warn({ err: error }, 'Could not sweep interrupted answers')),
      SWEEP_INTERVAL_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Marks the orphaned answers (every streaming one when `all`), counted in the usage ledger, and announces their end; returns how many. */
  async sweep(all: boolean): Promise<number> {
    const interrupted = await this.endings.interrupt(
      {
        all,
        silentSeconds: ORPHAN_AFTER_SECONDS,
        overdueSeconds: this.config.llm.maxGenerationSeconds + OVERDUE_GRACE_SECONDS,
        reason: ANSWER_INTERRUPTED,
      },
      // In the sweep's transaction: an answer is counted exactly when it ends.
      (ended) => this.generation.endedRow(ended, 'interrupted'),
    );
    for (const message of interrupted) await this.generation.announceEnded(message);
    if (interrupted.length) this.logger.warn(`Marked ${interrupted.length} answers interrupted: the process running them is gone`);
    return interrupted.length;
  }
}
