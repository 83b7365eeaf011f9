import { MigrationInterface, QueryRunner } from 'typeorm';

const PURPOSES_BEFORE = `'answer', 'regenerate', 'vision', 'title', 'memory_extraction', 'document_embedding', 'memory_embedding', 'query_embedding'`;
const PURPOSES = `${PURPOSES_BEFORE}, 'api_completion', 'api_embedding'`;

/**
 * Personal API keys for the OpenAI-compatible routes (hashed, scoped,
 * revocable), settings admins change at run time (`api_keys.enabled`), an
 * agent's fallback models, and the ledger's purposes for /v1 calls.
 */
export class ApiKeysAndFailover1795620000013 implements MigrationInterface {
  name = 'ApiKeysAndFailover1795620000013';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const run = (sql: string) => queryRunner.query(sql);
    await run(`CREATE TABLE "api_keys" (
      "id" SERIAL NOT NULL,
      "user_id" integer NOT NULL,
      "name" character varying(100) NOT NULL,
      "prefix" character varying(16) NOT NULL,
      "token_hash" character varying(64) NOT NULL,
      "agent_ids" integer array,
      "access" character varying(8) NOT NULL DEFAULT 'chat',
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "expires_at" TIMESTAMP WITH TIME ZONE,
      "last_used_at" TIMESTAMP WITH TIME ZONE,
      "revoked_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "CHK_api_keys_access" CHECK ("access" IN ('chat', 'read')),
      CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`);
    await run('CREATE UNIQUE INDEX "UQ_api_keys_token_hash" ON "api_keys" ("token_hash")');
    await run('CREATE INDEX "IDX_api_keys_user_id" ON "api_keys" ("user_id", "id")');
    await run(`ALTER TABLE "api_keys" ADD CONSTRAINT "FK_a3baee01d8408cd3c0f89a9a973"
      FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await run(`CREATE TABLE "app_settings" (
      "key" character varying(100) NOT NULL,
      "value" jsonb NOT NULL,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_by" integer,
      CONSTRAINT "PK_975c2db59c65c05fd9c6b63a2ab" PRIMARY KEY ("key"))`);
    await run(`ALTER TABLE "agents" ADD "fallback_models" character varying(200) array NOT NULL DEFAULT '{}'`);
    await run('ALTER TABLE "usage_records" DROP CONSTRAINT "CHK_usage_records_purpose"');
    await run(`ALTER TABLE "usage_records" ADD CONSTRAINT "CHK_usage_records_purpose" CHECK ("purpose" IN (${PURPOSES}))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const run = (sql: string) => queryRunner.query(sql);
    await run(`DELETE FROM "usage_records" WHERE "purpose" IN ('api_completion', 'api_embedding')`);
    await run('ALTER TABLE "usage_records" DROP CONSTRAINT "CHK_usage_records_purpose"');
    await run(`ALTER TABLE "usage_records" ADD CONSTRAINT "CHK_usage_records_purpose" CHECK ("purpose" IN (${PURPOSES_BEFORE}))`);
    await run('ALTER TABLE "agents" DROP COLUMN "fallback_models"');
    await run('DROP TABLE "app_settings"');
    await run('DROP TABLE "api_keys"');
  }
}
