import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sizes of common embedding models (MiniLM 384, BGE and E5 768, mistral-embed 1024, OpenAI 1536, and shortened ones): each gets an HNSW index. */
export const INDEXED_VECTOR_DIMENSIONS = [256, 384, 512, 768, 1024, 1536];

/**
 * `chunk_vectors`: chunk embeddings in pgvector's type, for nearest-neighbour
 * search through HNSW, where the database has the extension (PGlite does).
 * Elsewhere (Debian's PostgreSQL, or a role that may not create it) nothing is
 * created and search scores the scope's `embedding_f32` exactly.
 *
 * The dimension follows EMBEDDING_MODEL, known only at run time, so the column
 * has none (`vector`), a checked `dimension` column says it, and each common
 * dimension has a partial HNSW index over the cast (pgvector's way of indexing
 * mixed dimensions). Another size is still searched, exactly, by pgvector; a
 * migration adding its index makes it fast. A change of model needs no DDL:
 * re-embedding overwrites each chunk's row with the new model's vector.
 * Replaces the table earlier versions created at run time.
 */
export class VectorIndex1795620000009 implements MigrationInterface {
  name = 'VectorIndex1795620000009';

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (!(await this.createExtension(queryRunner))) return;
    await queryRunner.query('DROP TABLE IF EXISTS "chunk_vectors"');
    await queryRunner.query(`
      CREATE TABLE "chunk_vectors" (
        "chunk_id" integer PRIMARY KEY REFERENCES "document_chunks"("id") ON DELETE CASCADE,
        "model" varchar(200) NOT NULL,
        "dimension" integer NOT NULL,
        "embedding" vector NOT NULL,
        CONSTRAINT "CHK_chunk_vectors_dimension" CHECK (vector_dims("embedding") = "dimension")
      )
    `);
    for (const dimension of INDEXED_VECTOR_DIMENSIONS) {
      await queryRunner.query(`
        CREATE INDEX "IDX_chunk_vectors_hnsw_${dimension}" ON "chunk_vectors"
        USING hnsw (("embedding"::vector(${dimension})) vector_cosine_ops) WHERE "dimension" = ${dimension}
      `);
    }
    await queryRunner.query(`
      INSERT INTO "chunk_vectors" ("chunk_id", "model", "dimension", "embedding")
      SELECT "id", "embedding_model", array_length("embedding", 1), "embedding"::vector FROM "document_chunks"
      WHERE "embedding" IS NOT NULL AND "embedding_model" IS NOT NULL
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS "chunk_vectors"');
    await queryRunner.query('DROP EXTENSION IF EXISTS vector');
  }

  /** False where pgvector is not installed, or present but not this role's to create (a managed server). */
  private async createExtension(queryRunner: QueryRunner): Promise<boolean> {
    const available: unknown[] = await queryRunner.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
    if (available.length === 0) return false;
    // A failed statement would abort the migration's transaction: try it behind a savepoint.
    const inTransaction = queryRunner.isTransactionActive;
    if (inTransaction) await queryRunner.query('SAVEPOINT "vector_extension"');
    try {
      await queryRunner.query('CREATE EXTENSION IF NOT EXISTS vector');
      if (inTransaction) await queryRunner.query('RELEASE SAVEPOINT "vector_extension"');
      return true;
    } catch {
      if (inTransaction) await queryRunner.query('ROLLBACK TO SAVEPOINT "vector_extension"');
      return false;
    }
  }
}
