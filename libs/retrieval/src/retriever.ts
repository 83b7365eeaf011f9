import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EmbeddingService } from './embedding.service';
import { lexicalSearch, SearchScope } from './lexical-search';
import { VectorIndex } from './vector-index';
import { nearestByCosine, StoredVector } from './vector-scoring';

/** Whose documents may be searched: the chat's and its agent's, nothing else. */
export interface DocumentScope {
  chatId?: number;
  /** Only an agent the searching user may use now (`agentUsableBy`): a private agent's documents are its owner's. */
  agentId?: number | null;
}

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

/** Fuses two rankings; keeps what matched lexically or is similar enough. */
function fuse(lexical: number[], vector: { id: number; similarity: number }[]): Ranked[] {
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
 * an embedding provider, exact cosine over the vectors of the current model,
 * fused by reciprocal rank.
 */
@Injectable()
export class Retriever {
  private readonly logger = new Logger('Retriever');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly embeddings: EmbeddingService,
    private readonly vectors: VectorIndex,
  ) {}

  async searchDocuments(scope: DocumentScope, query: string, limit: number): Promise<RetrievedChunk[]> {
    const where = `d.status = 'ready' AND ((d.entity_type = 'chat' AND d.entity_id = $1) OR (d.entity_type = 'agent' AND d.entity_id = $2))`;
    const params = [scope.chatId ?? 0, scope.agentId ?? 0];
    const from = 'document_chunks c JOIN documents d ON d.id = c.document_id';
    // Most chats have no documents: then no query embedding is paid for.
    const [{ present }] = await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM documents d WHERE ${where}) AS present`, params);
    if (!present) return [];
    const [lexical, vector] = await Promise.all([
      this.lexical({ from, where, params, alias: 'c' }, query),
      this.vector(from, where, params, query, 'c', true),
    ]);
    const ranked = fuse(lexical, vector).slice(0, limit);
    if (ranked.length === 0) return [];
    const rows: { id: number; document_id: number; filename: string; page: number; text: string }[] = await this.dataSource.query(
      `SELECT c.id, c.document_id, d.filename, c.page, c.text FROM ${from} WHERE c.id = ANY($1)`,
      [ranked.map((r) => r.id)],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
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
  async searchMemories(userId: number, agentId: number, query: string, limit: number): Promise<RetrievedMemory[]> {
    const where = 'm.user_id = $1 AND m.agent_id = $2';
    const params = [userId, agentId];
    const [{ present }] = await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM memories m WHERE ${where}) AS present`, params);
    if (!present) return [];
    const [lexical, vector] = await Promise.all([
      this.lexical({ from: 'memories m', where, params, alias: 'm' }, query),
      this.vector('memories m', where, params, query, 'm'),
    ]);
    const ranked = fuse(lexical, vector).slice(0, limit);
    if (ranked.length === 0) return [];
    const rows: { id: number; content: string }[] = await this.dataSource.query(
      'SELECT id, content FROM memories WHERE id = ANY($1)',
      [ranked.map((r) => r.id)],
    );
    const byId = new Map(rows.map((row) => [row.id, row.content]));
    return ranked.filter((r) => byId.has(r.id)).map((r) => ({ id: r.id, content: byId.get(r.id)!, score: r.score }));
  }

  private async lexical(scope: SearchScope, query: string): Promise<number[]> {
    const search = lexicalSearch(scope, query, CANDIDATES);
    if (!search) return [];
    const rows: { id: number }[] = await this.dataSource.query(search.sql, search.params);
    return rows.map((row) => row.id);
  }

  /**
   * Nearest vectors of the current model: through pgvector's index for
   * document chunks where the extension exists, else exact cosine over the
   * scope's vectors (a scope is one chat's and one agent's documents).
   */
  private async vector(from: string, where: string, params: unknown[], query: string, alias = 'c', chunks = false) {
    const model = this.embeddings.model;
    if (!model || !query.trim()) return [];
    let queryVector: number[];
    try {
      [queryVector] = await this.embeddings.embed([query], AbortSignal.timeout(10_000));
    } catch (error) {
      this.logger.warn(`Query embedding failed, lexical search only: ${error instanceof Error ? error.message : error}`);
      return [];
    }
    if (chunks && this.vectors.backend === 'pgvector') {
      return this.vectors.nearest(queryVector, model, { where, params }, CANDIDATES);
    }
    const rows: StoredVector[] = await this.dataSource.query(
      `SELECT ${alias}.id, ${alias}.embedding_f32 AS vector FROM ${from}
       WHERE ${where} AND ${alias}.embedding_model = $${params.length + 1} AND ${alias}.embedding_dim = $${params.length + 2}`,
      [...params, model, queryVector.length],
    );
    return nearestByCosine(queryVector, rows, CANDIDATES);
  }
}
