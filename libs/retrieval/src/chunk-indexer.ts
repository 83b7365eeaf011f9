import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, Not, Or } from 'typeorm';
import { APP_CONFIG } from '../../config/src';
import type { AppConfig } from '../../config/src';
import { DocumentChunk } from '../../database/src';
import { chunkPages, PageText } from './chunker';
import { EmbeddingService } from './embedding.service';
import { tsvectorSql, unaccent } from './text-search';
import { VectorIndex } from './vector-index';

const EMBED_BATCH = 64;

/** Turns a document's pages into indexed chunks, and keeps their embeddings in the current model. */
@Injectable()
export class ChunkIndexer {
  private readonly logger = new Logger('ChunkIndexer');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly embeddings: EmbeddingService,
    private readonly vectors: VectorIndex,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Replaces the document's chunks (in the caller's transaction). */
  async index(manager: EntityManager, documentId: number, pages: PageText[]): Promise<number> {
    await manager.delete(DocumentChunk, { document_id: documentId });
    const chunks = chunkPages(pages, {
      chunkTokens: this.config.retrieval.chunkTokens,
      overlapTokens: this.config.retrieval.chunkOverlapTokens,
    });
    for (const chunk of chunks) {
      await manager.query(
        `INSERT INTO document_chunks (document_id, page, position, text, token_count, tsv)
         VALUES ($1, $2, $3, $4, $5, ${tsvectorSql('$6')})`,
        [documentId, chunk.page, chunk.position, chunk.text, chunk.tokens, unaccent(chunk.text)],
      );
    }
    return chunks.length;
  }

  /**
   * Embeds chunks that have no vector in the current model (new ones, or all
   * after EMBEDDING_MODEL changed), optionally of one document only. Returns
   * how many were embedded.
   */
  async embedMissing(documentId?: number, signal?: AbortSignal): Promise<number> {
    const model = this.embeddings.model;
    if (!model) return 0;
    const repository = this.dataSource.getRepository(DocumentChunk);
    let done = 0;
    for (;;) {
      const batch = await repository.find({
        select: { id: true, text: true },
        where: { embedding_model: Or(IsNull(), Not(model)), ...(documentId ? { document_id: documentId } : {}) },
        order: { id: 'ASC' },
        take: EMBED_BATCH,
      });
      if (batch.length === 0) return done;
      const vectors = await this.embeddings.embed(batch.map((chunk) => chunk.text), signal);
      for (const [i, chunk] of batch.entries()) {
        await repository.update(chunk.id, { embedding: vectors[i], embedding_model: model, embedding_dim: vectors[i].length });
      }
      await this.vectors.store(batch.map((chunk, i) => ({ chunkId: chunk.id, model, vector: vectors[i] })));
      done += batch.length;
      if (done % 1000 < EMBED_BATCH) this.logger.log(`Embedded ${done} chunks with ${model}`);
    }
  }
}
