import type { DataSource } from 'typeorm';
import type { SearchScope } from './lexical-search';

const vectorLiteral = (vector: number[]) => `[${vector.join(',')}]`;

/**
 * `chunk_vectors` (see the VectorIndex migration): chunk embeddings in
 * pgvector's type, with a partial HNSW index per common dimension. Queries
 * name the dimension as a literal cast, so the planner can use its index.
 */
export class ChunkVectors {
  constructor(private readonly dataSource: DataSource) {}

  async exist(): Promise<boolean> {
    const [{ present }] = await this.dataSource.query(`SELECT to_regclass('chunk_vectors') IS NOT NULL AS present`);
    return Boolean(present);
  }

  async store(chunkId: number, model: string, vector: number[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO chunk_vectors (chunk_id, model, dimension, embedding) VALUES ($1, $2, $3, $4::vector)
       ON CONFLICT (chunk_id) DO UPDATE SET model = EXCLUDED.model, dimension = EXCLUDED.dimension, embedding = EXCLUDED.embedding`,
      [chunkId, model, vector.length, vectorLiteral(vector)],
    );
  }

  /** Nearest rows of a chunk scope (`c`, joined to its document `d`) by cosine, of one model and the vector's dimension. */
  async nearest(scope: SearchScope, vector: number[], model: string, limit: number): Promise<{ id: number; similarity: number }[]> {
    const n = scope.params.length;
    const dimension = vector.length;
    const distance = `v.embedding::vector(${dimension}) <=> $${n + 1}::vector(${dimension})`;
    const rows: { id: number; similarity: number }[] = await this.dataSource.query(
      `SELECT c.id, 1 - (${distance}) AS similarity
       FROM ${scope.from} JOIN chunk_vectors v ON v.chunk_id = c.id
       WHERE ${scope.where} AND v.model = $${n + 2} AND v.dimension = ${dimension}
       ORDER BY ${distance}
       LIMIT ${Number(limit)}`,
      [...scope.params, vectorLiteral(vector), model],
    );
    return rows.map((row) => ({ id: row.id, similarity: Number(row.similarity) }));
  }
}
