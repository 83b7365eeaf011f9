import { Injectable, Logger } from '@nestjs/common';
import { MessageSearchRepository } from '#database';
import { OnJob } from '#jobs';

export const MESSAGE_INDEX_JOB = 'search.index-messages';

/** Messages indexed per transaction: a few hundred texts, so no batch holds locks for long. */
const BATCH_SIZE = 500;
/** Most batches per run: a large backlog (an upgrade, a big import) is spread over several runs. */
const MAX_BATCHES = 40;

/**
 * Indexes for search the ended messages that have no full-text index yet:
 * those written before it existed and any written without it (imports).
 */
@Injectable()
export class MessageIndexJob {
  private readonly logger = new Logger('MessageIndexJob');

  constructor(private readonly messages: MessageSearchRepository) {}

  // Every minute: an imported chat becomes searchable within about a minute.
  @OnJob({ name: MESSAGE_INDEX_JOB, everySeconds: 60 })
  async handle(): Promise<void> {
    let indexed = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const count = await this.messages.indexMissing(BATCH_SIZE);
      indexed += count;
      if (count < BATCH_SIZE) break;
    }
    if (indexed) this.logger.log(`Indexed ${indexed} messages for search`);
  }
}
