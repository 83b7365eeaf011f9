import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DocumentsRepository } from '#database';
import type { DocumentScope } from '#database';

export type VectorBackend = 'pgvector' | 'exact';

/**
 * Chunk vectors in pgvector where the database has the extension (PGlite
 * does; Debian's PostgreSQL does not): the VectorIndex migration then made
 * `chunk_vectors`, whose HNSW indexes answer nearest-neighbour queries.
 * Otherwise search scores the scope's vectors exactly (Retriever).
 */
@Injectable()
export class VectorIndex implements OnModuleInit {
  private readonly logger = new Logger('VectorIndex');
  backend: VectorBackend = 'exact';

  constructor(private readonly documents: DocumentsRepository) {}

  async onModuleInit(): Promise<void> {
    this.backend = (await this.documents.hasVectorIndex()) ? 'pgvector' : 'exact';
    this.logger.log(`Vector search: ${this.backend}`);
  }

  /** Stores vectors (pgvector only), replacing a chunk's vector of an earlier model. */
  async store(entries: { chunkId: number; model: string; vector: number[] }[]): Promise<void> {
    if (this.backend !== 'pgvector') return;
    for (const entry of entries) await this.documents.storeChunkVector(entry.chunkId, entry.model, entry.vector);
  }

  /** Nearest chunks of a scope by cosine, among vectors of the same model and dimension. */
  nearest(scope: DocumentScope, query: number[], model: string, limit: number): Promise<{ id: number; similarity: number }[]> {
    return this.documents.nearestChunks(scope, query, model, limit);
  }
}
