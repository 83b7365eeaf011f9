import { setTimeout as sleep } from 'node:timers/promises';
import type { AnswerEndingsRepository, Message, NewUsageRecord } from '#database';

const FINAL_WRITE_ATTEMPTS = 3;
const RETRY_BASE_MS = 500;

export type AnswerEnd = Parameters<AnswerEndingsRepository['end']>[1];

/**
 * Ends a streaming answer with these fields and its usage row, in one transaction (null when it
 * already ended elsewhere, and counted there), retrying: a database blip at the last write must
 * not cost the answer the text generated since its last save.
 */
export async function writeAnswerEnd(
  store: AnswerEndingsRepository,
  id: number,
  end: AnswerEnd,
  usage: NewUsageRecord,
  onRetry: (error: unknown, attempt: number) => void,
): Promise<Message | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.end(id, end, usage);
    } catch (caught) {
      if (attempt >= FINAL_WRITE_ATTEMPTS) throw caught;
      onRetry(caught, attempt);
      await sleep(RETRY_BASE_MS * 2 ** (attempt - 1));
    }
  }
}
