import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Answers in progress, found without reading every message: each send counts
 * the user's (the per-user cap), and the stale-answer job looks for them. A
 * partial index stays as small as the number of answers running.
 */
export class StreamingAnswers1795620000005 implements MigrationInterface {
  name = 'StreamingAnswers1795620000005';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_messages_streaming" ON "messages" ("chat_id") WHERE status = 'streaming'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_messages_streaming"');
  }
}
