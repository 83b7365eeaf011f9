import { Injectable, Logger } from '@nestjs/common';
import { DocumentsRepository, MemoriesRepository } from '#database';
import type { DocumentScope, SearchableRows } from '#database';
import { EmbeddingService } from './embedding.service';
import type { EmbeddingCaller } from './embedding.service';
import { VectorIndex } from './vector-index';
import { nearestByCosine } from './vector-scoring';

export interface RetrievedChunk {
  chunk_id: number;
  document_id: number;
  filename: string;
  page: number;
  text: string;
  /** Reciprocal-rank fusion of the lexical and vector ranks. */
  score: number;
  lexical_rank: number | null;
  vector_rank: number | null;
  similarity: number | null;
}

export interface RetrievedMemory {
  id: number;
  content: string;
  score: number;
}

const CANDIDATES = 40;
const RRF_K = 60;
// Below this cosine a vector-only candidate is noise, not a source.
const MIN_SIMILARITY = 0.35;

interface Ranked {
  id: number;
  lexicalRank: number | null;
  vectorRank: number | null;
  similarity: number | null;
  score: number;
}

/** Who searches: the query's embedding counts against their budget (purpose `query_embedding`). */
export type Searcher = Omit<EmbeddingCaller, 'purpose'>;

/** Candidates of vector search, most similar first. */
type Similar = { id: number; similarity: number }[];

/** Fuses two rankings; keeps what matched lexically or is similar enough. */
export function fuse(lexical: number[], vector: Similar): Ranked[] {
  const byId = new Map<number, Ranked>();
  const entry = (id: number) => {
    let ranked = byId.get(id);
    if (!ranked) {
      ranked = { id, lexicalRank: null, vectorRank: null, similarity: null, score: 0 };
      byId.set(id, ranked);
    }
    return ranked;
  };
  lexical.forEach((id, i) => {
    const ranked = entry(id);
    ranked.lexicalRank = i + 1;
    ranked.score += 1 / (RRF_K + i + 1);
  });
  vector.forEach(({ id, similarity }, i) => {
    if (similarity < MIN_SIMILARITY && !byId.has(id)) return;
    const ranked = entry(id);
    ranked.vectorRank = i + 1;
    ranked.similarity = similarity;
    ranked.score += 1 / (RRF_K + i + 1);
  });
  return [...byId.values()].sort((a, b) => b.score - a.score || a.id - b.id);
}

/**
 * Hybrid search: Postgres full-text (French and English, unaccented) and, with
 * an embedding provider, nearest vectors of the current model, fused by
 * reciprocal rank. The repositories run the queries; ranking is decided here.
 */
@Injectable()
export class Retriever {
  private readonly logger = new Logger('Retriever');

  constructor(
    private readonly documents: DocumentsRepository,
    private readonly memories: MemoriesRepository,
    private readonly embeddings: EmbeddingService,
    private readonly vectors: VectorIndex,
  ) {}

  async searchDocuments(scope: DocumentScope, query: string, limit: number, searcher: Searcher): Promise<RetrievedChunk[]> {
    const ranked = (await this.rank(this.documents.searchableChunks(scope), query, searcher, scope)).slice(0, limit);
    if (ranked.length === 0) return [];
    const byId = new Map((await this.documents.chunkSources(ranked.map((r) => r.id))).map((row) => [row.id, row]));
    return ranked.flatMap((r) => {
      const row = byId.get(r.id);
      if (!row) return [];
      return [{
        chunk_id: row.id,
        document_id: row.document_id,
        filename: row.filename,
        page: row.page,
        text: row.text,
        score: Number(r.score.toFixed(6)),
        lexical_rank: r.lexicalRank,
        vector_rank: r.vectorRank,
        similarity: r.similarity === null ? null : Number(r.similarity.toFixed(4)),
      }];
    });
  }

  /** One user's memories with one agent, never anyone else's. */
  async searchMemories(userId: number, agentId: number, query: string, limit: number, chatId?: number): Promise<RetrievedMemory[]> {
    const searcher = { userId, agentId, chatId };
    const ranked = (await this.rank(this.memories.searchable(userId, agentId), query, searcher)).slice(0, limit);
    if (ranked.length === 0) return [];
    const contents = await this.memories.contentsByIds(ranked.map((r) => r.id));
    return ranked.filter((r) => contents.has(r.id)).map((r) => ({ id: r.id, content: contents.get(r.id)!, score: r.score }));
  }

  /** Lexical and vector candidates of a scope's rows (document chunks: `chunks`), fused; none when the scope is empty. */
  private async rank(rows: SearchableRows, query: string, searcher: Searcher, chunks?: DocumentScope): Promise<Ranked[]> {
    if (!(await rows.any())) return [];
    const [lexical, vector] = await Promise.all([rows.rankLexically(query, CANDIDATES), this.nearestVectors(rows, query, searcher, chunks)]);
    return fuse(lexical, vector);
  }

  /**
   * Nearest vectors of the current model: through pgvector's index for
   * document chunks where the database has it, else exact cosine over the
   * scope's vectors. None without a provider, or when embedding the query fails.
   */
  private async nearestVectors(rows: SearchableRows, query: string, searcher: Searcher, chunks?: DocumentScope): Promise<Similar> {
    const model = this.embeddings.model;
    if (!model || !query.trim()) return [];
    let queryVector: number[];
    try {
      [queryVector] = await this.embeddings.embed([query], { ...searcher, purpose: 'query_embedding' }, AbortSignal.timeout(10_000));
    } catch (error) {
      this.logger.warn(`Query embedding failed, lexical search only: ${error instanceof Error ? error.message : error}`);
      return [];
    }
    if (chunks && this.vectors.backend === 'pgvector') return this.vectors.nearest(chunks, queryVector, model, CANDIDATES);
    return nearestByCosine(queryVector, await rows.vectors(model, queryVector.length), CANDIDATES);
  }
}
