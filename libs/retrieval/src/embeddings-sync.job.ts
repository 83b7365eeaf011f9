import { Injectable } from '@nestjs/common';
import { ChunkIndexer } from './chunk-indexer';
import { OnJob } from '#jobs';

export const EMBEDDINGS_SYNC_JOB = 'embeddings.sync';

/**
 * Gives every chunk a vector in the current embedding model: new chunks whose
 * embedding failed, and all of them after EMBEDDING_MODEL changed (queued at
 * start-up), so vector spaces are never mixed.
 */
@Injectable()
export class EmbeddingsSyncJob {
  constructor(private readonly chunks: ChunkIndexer) {}

  @OnJob({ name: EMBEDDINGS_SYNC_JOB, everySeconds: 3600 })
  async handle(): Promise<void> {
    await this.chunks.embedMissing();
  }
}
