import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `embedding_f32`: each embedding again as float32 bytes (network order, as
 * float4send writes them), which search reads in place instead of parsing the
 * `real[]` text form (a second per 10k vectors of 256). A trigger derives it
 * from `embedding`, so every writer (indexer, re-embedding job, memories)
 * keeps it in step without knowing about it.
 */
export class EmbeddingBytes1795620000004 implements MigrationInterface {
  name = 'EmbeddingBytes1795620000004';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION float4_bytes(vector real[]) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT string_agg(float4send(x), ''::bytea ORDER BY i) FROM unnest(vector) WITH ORDINALITY AS t(x, i) $$
    `);
    await queryRunner.query(`
      CREATE FUNCTION embedding_f32_sync() RETURNS trigger LANGUAGE plpgsql
      AS $$ BEGIN NEW.embedding_f32 := float4_bytes(NEW.embedding); RETURN NEW; END $$
    `);
    for (const table of ['document_chunks', 'memories']) {
      await queryRunner.query(`ALTER TABLE "${table}" ADD "embedding_f32" bytea`);
      await queryRunner.query(`UPDATE "${table}" SET "embedding_f32" = float4_bytes("embedding") WHERE "embedding" IS NOT NULL`);
      await queryRunner.query(`
        CREATE TRIGGER "${table}_embedding_f32" BEFORE INSERT OR UPDATE OF "embedding" ON "${table}"
        FOR EACH ROW EXECUTE FUNCTION embedding_f32_sync()
      `);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['memories', 'document_chunks']) {
      await queryRunner.query(`DROP TRIGGER "${table}_embedding_f32" ON "${table}"`);
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "embedding_f32"`);
    }
    await queryRunner.query('DROP FUNCTION embedding_f32_sync()');
    await queryRunner.query('DROP FUNCTION float4_bytes(real[])');
  }
}
