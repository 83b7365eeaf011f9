import { MigrationInterface, QueryRunner } from "typeorm";

export class MessageGeneration1795620000001 implements MigrationInterface {
    name = 'MessageGeneration1795620000001'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "messages"
            ADD "parent_id" integer
        `);
        await queryRunner.query(`
            ALTER TABLE "messages"
            ADD "ttft_ms" integer
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_messages_parent_id" ON "messages" ("parent_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "messages"
            ADD CONSTRAINT "FK_932abe146b78bd584b4d1851ce3" FOREIGN KEY ("parent_id") REFERENCES "messages"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "messages" DROP CONSTRAINT "FK_932abe146b78bd584b4d1851ce3"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_messages_parent_id"
        `);
        await queryRunner.query(`
            ALTER TABLE "messages" DROP COLUMN "ttft_ms"
        `);
        await queryRunner.query(`
            ALTER TABLE "messages" DROP COLUMN "parent_id"
        `);
    }

}
