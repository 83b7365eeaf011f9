import { MigrationInterface, QueryRunner } from 'typeorm';

/** An answer's ordered parts: its text and the tool calls it made, with their results. */
export class AnswerParts1795620000016 implements MigrationInterface {
  name = 'AnswerParts1795620000016';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "messages" ADD "parts" jsonb');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "messages" DROP COLUMN "parts"');
  }
}
