import { Injectable } from '@nestjs/common';
import { ChunkIndexer } from '../../../retrieval/src';
import { JobHandler } from '../job.types';

export const EMBEDDINGS_SYNC_JOB = 'embeddings.sync';

/**
 * Gives every chunk a vector in the current embedding model: new chunks whose
 * embedding failed, and all of them after EMBEDDING_MODEL changed (queued at
 * start-up), so vector spaces are never mixed.
 */
@Injectable()
export class EmbeddingsSyncJob implements JobHandler {
  readonly name = EMBEDDINGS_SYNC_JOB;
  readonly everySeconds = 3600;

  constructor(private readonly chunks: ChunkIndexer) {}

  async handle(): Promise<void> {
    await this.chunks.embedMissing();
  }
}
