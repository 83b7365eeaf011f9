import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Answers cut by a crash end `interrupted`, found by a heartbeat the running
 * process refreshes; a retried send finds its exchange by the client's
 * Idempotency-Key (unique per chat, only where one was given).
 */
export class AnswerLiveness1795620000008 implements MigrationInterface {
  name = 'AnswerLiveness1795620000008';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "messages" ADD "heartbeat_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "messages" ADD "idempotency_key" character varying(128)');
    await queryRunner.query('ALTER TABLE "messages" DROP CONSTRAINT "CHK_messages_status"');
    await queryRunner.query(
      `ALTER TABLE "messages" ADD CONSTRAINT "CHK_messages_status" CHECK ("status" IN ('streaming', 'complete', 'stopped', 'failed', 'interrupted'))`,
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_messages_idempotency_key" ON "messages" ("chat_id", "idempotency_key") WHERE idempotency_key IS NOT NULL',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_messages_idempotency_key"');
    await queryRunner.query(`UPDATE "messages" SET "status" = 'failed' WHERE "status" = 'interrupted'`);
    await queryRunner.query('ALTER TABLE "messages" DROP CONSTRAINT "CHK_messages_status"');
    await queryRunner.query(
      `ALTER TABLE "messages" ADD CONSTRAINT "CHK_messages_status" CHECK ("status" IN ('streaming', 'complete', 'stopped', 'failed'))`,
    );
    await queryRunner.query('ALTER TABLE "messages" DROP COLUMN "idempotency_key"');
    await queryRunner.query('ALTER TABLE "messages" DROP COLUMN "heartbeat_at"');
  }
}
