import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DataSource, IsNull, Not, Or } from 'typeorm';
import { DocumentChunk } from '#database';
import type { TextChunk } from './chunker';
import { EmbeddingService } from './embedding.service';
import { tsvectorSql, unaccent } from './text-search';
import { VectorIndex } from './vector-index';

const EMBED_BATCH = 64;
// Rows per INSERT: each statement is its own short transaction. Embedded, PGlite
// runs the statement (two to_tsvector a row) on the API's event loop: 100 rows
// held it 100-170 ms, 20 rows stay under the 100 ms health target.
const INSERT_BATCH = 20;

/** Stores a document's chunks (made by the chunker), and keeps their embeddings in the current model. */
@Injectable()
export class ChunkIndexer {
  private readonly logger = new Logger('ChunkIndexer');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly embeddings: EmbeddingService,
    private readonly vectors: VectorIndex,
  ) {}

  /**
   * Stores a document's chunks, a batch per statement: no transaction stays
   * open for the whole document, so deleting it never waits behind this; and
   * the embedded database, which runs on this thread, serves requests between.
   */
  async insert(documentId: number, chunks: TextChunk[]): Promise<void> {
    for (let start = 0; start < chunks.length; start += INSERT_BATCH) {
      const batch = chunks.slice(start, start + INSERT_BATCH);
      const rows = batch.map((_, i) => {
        const p = i * 6;
        return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, ${tsvectorSql(`$${p + 6}`)})`;
      });
      await this.dataSource.query(
        `INSERT INTO document_chunks (document_id, page, position, text, token_count, tsv) VALUES ${rows.join(', ')}`,
        batch.flatMap((chunk) => [documentId, chunk.page, chunk.position, chunk.text, chunk.tokens, unaccent(chunk.text)]),
      );
      await nextTurn();
    }
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
      // One row per statement, each followed by a turn for requests: the embedded database runs on this thread.
      for (const [i, chunk] of batch.entries()) {
        await repository.update(chunk.id, { embedding: vectors[i], embedding_model: model, embedding_dim: vectors[i].length });
        await this.vectors.store([{ chunkId: chunk.id, model, vector: vectors[i] }]);
        await nextTurn();
      }
      done += batch.length;
      if (done % 1000 < EMBED_BATCH) this.logger.log(`Embedded ${done} chunks with ${model}`);
    }
  }
}
