import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../../config/src';
import type { AppConfig } from '../../../config/src';
import { Message } from '../../../database/src';
import { JobHandler } from '../job.types';

export const STALE_ANSWERS_JOB = 'messages.fail-stale';
// Beyond the longest an answer may run, plus room for its final write.
const GRACE_SECONDS = 120;

/** Answers still `streaming` long after any could run belonged to a process that died: they end `failed`. */
@Injectable()
export class StaleAnswersJob implements JobHandler {
  readonly name = STALE_ANSWERS_JOB;
  readonly everySeconds = 60;
  private readonly logger = new Logger('StaleAnswersJob');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(): Promise<void> {
    const seconds = this.config.llm.maxGenerationSeconds + GRACE_SECONDS;
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Message)
      .set({ status: 'failed', error: 'The answer was interrupted' })
      .where("status = 'streaming'")
      .andWhere(`created_at < now() - make_interval(secs => :seconds)`, { seconds })
      .execute();
    if (result.affected) this.logger.warn(`Marked ${result.affected} interrupted answers as failed`);
  }
}
