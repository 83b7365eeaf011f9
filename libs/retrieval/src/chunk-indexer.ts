import { Injectable, Logger } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DocumentsRepository } from '#database';
import { EmbeddingService } from './embedding.service';
import type { EmbeddingCaller } from './embedding.service';
import { VectorIndex } from './vector-index';
import { TextChunk } from '#text';

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
    private readonly documents: DocumentsRepository,
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
      await this.documents.insertChunks(documentId, chunks.slice(start, start + INSERT_BATCH));
      await nextTurn();
    }
  }

  /**
   * Embeds chunks that have no vector in the current model (new ones, or all
   * after EMBEDDING_MODEL changed), optionally of one document only. Returns
   * how many were embedded. Each document's chunks are embedded apart, so
   * every provider call counts against that document's uploader.
   */
  async embedMissing(documentId?: number, signal?: AbortSignal): Promise<number> {
    const model = this.embeddings.model;
    if (!model) return 0;
    const owners = new Map<number, EmbeddingCaller>();
    let done = 0;
    for (;;) {
      const batch = await this.documents.chunksToEmbed(model, EMBED_BATCH, documentId);
      if (batch.length === 0) return done;
      for (const [document, chunks] of byDocument(batch)) {
        const caller = owners.get(document) ?? (await this.callerFor(document));
        owners.set(document, caller);
        const vectors = await this.embeddings.embed(chunks.map((chunk) => chunk.text), caller, signal);
        // One row per statement, each followed by a turn for requests: the embedded database runs on this thread.
        for (const [i, chunk] of chunks.entries()) {
          await this.documents.setChunkEmbedding(chunk.id, model, vectors[i]);
          await this.vectors.store([{ chunkId: chunk.id, model, vector: vectors[i] }]);
          await nextTurn();
        }
      }
      done += batch.length;
      if (done % 1000 < EMBED_BATCH) this.logger.log(`Embedded ${done} chunks with ${model}`);
    }
  }

  private async callerFor(documentId: number): Promise<EmbeddingCaller> {
    const owner = await this.documents.usageOwner(documentId);
    return { purpose: 'document_embedding', documentId, userId: owner?.userId ?? null, agentId: owner?.agentId, chatId: owner?.chatId };
  }
}

function byDocument<T extends { document_id: number }>(chunks: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const chunk of chunks) groups.set(chunk.document_id, [...(groups.get(chunk.document_id) ?? []), chunk]);
  return groups;
}
