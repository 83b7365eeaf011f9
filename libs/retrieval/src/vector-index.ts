import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type VectorBackend = 'pgvector' | 'exact';

const vectorLiteral = (vector: number[]) => `[${vector.join(',')}]`;

/**
 * Chunk vectors in pgvector when the database has the extension (PGlite does;
 * Debian's PostgreSQL does not): an HNSW index answers nearest-neighbour
 * queries. Otherwise search scores the scope's vectors exactly (Retriever).
 * The table lives outside the entities: it exists only where pgvector does,
 * and its column's dimension follows the embedding model.
 */
@Injectable()
export class VectorIndex implements OnModuleInit {
  private readonly logger = new Logger('VectorIndex');
  backend: VectorBackend = 'exact';
  private dimension: number | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    try {
      await this.dataSource.query('CREATE EXTENSION IF NOT EXISTS vector');
      this.backend = 'pgvector';
      const [row] = await this.dataSource.query(
        `SELECT atttypmod AS dimension FROM pg_attribute
         WHERE attrelid = to_regclass('chunk_vectors') AND attname = 'embedding'`,
      );
      this.dimension = row ? Number(row.dimension) : null;
    } catch {
      this.backend = 'exact';
    }
    this.logger.log(`Vector search: ${this.backend}`);
  }

  /** Stores vectors (pgvector only); a new dimension rebuilds the table for the new model. */
  async store(entries: { chunkId: number; model: string; vector: number[] }[]): Promise<void> {
    if (this.backend !== 'pgvector' || entries.length === 0) return;
    const dimension = entries[0].vector.length;
    if (this.dimension !== dimension) await this.createTable(dimension);
    for (const entry of entries) {
      await this.dataSource.query(
        `INSERT INTO chunk_vectors (chunk_id, model, embedding) VALUES ($1, $2, $3::vector)
         ON CONFLICT (chunk_id) DO UPDATE SET model = EXCLUDED.model, embedding = EXCLUDED.embedding`,
        [entry.chunkId, entry.model, vectorLiteral(entry.vector)],
      );
    }
  }

  /** Nearest chunks by cosine within a scope (a SQL condition on `c` and `d`), via the HNSW index. */
  async nearest(
    query: number[],
    model: string,
    scope: { where: string; params: unknown[] },
    limit: number,
  ): Promise<{ id: number; similarity: number }[]> {
    if (this.dimension !== query.length) return [];
    const n = scope.params.length;
    const rows: { id: number; similarity: number }[] = await this.dataSource.query(
      `SELECT c.id, 1 - (v.embedding <=> $${n + 1}::vector) AS similarity
       FROM chunk_vectors v JOIN document_chunks c ON c.id = v.chunk_id JOIN documents d ON d.id = c.document_id
       WHERE ${scope.where} AND v.model = $${n + 2}
       ORDER BY v.embedding <=> $${n + 1}::vector
       LIMIT ${limit}`,
      [...scope.params, vectorLiteral(query), model],
    );
    return rows.map((row) => ({ id: row.id, similarity: Number(row.similarity) }));
  }

  private async createTable(dimension: number): Promise<void> {
    await this.dataSource.query('DROP TABLE IF EXISTS chunk_vectors');
    await this.dataSource.query(
      `CREATE TABLE chunk_vectors (
         chunk_id integer PRIMARY KEY REFERENCES document_chunks(id) ON DELETE CASCADE,
         model varchar(200) NOT NULL,
         embedding vector(${Number(dimension)}) NOT NULL)`,
    );
    await this.dataSource.query('CREATE INDEX chunk_vectors_hnsw ON chunk_vectors USING hnsw (embedding vector_cosine_ops)');
    this.dimension = dimension;
  }
}
