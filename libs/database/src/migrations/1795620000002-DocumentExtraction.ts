import { MigrationInterface, QueryRunner } from "typeorm";

export class DocumentExtraction1795620000002 implements MigrationInterface {
    name = 'DocumentExtraction1795620000002'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "document_pages" (
                "document_id" integer NOT NULL,
                "page_number" integer NOT NULL,
                "text" text NOT NULL,
                "ocr" boolean NOT NULL DEFAULT false,
                CONSTRAINT "PK_fa2d8c48c0d4a9dd12298e7f627" PRIMARY KEY ("document_id", "page_number")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "documents"
            ADD "sha256" character(64)
        `);
        await queryRunner.query(`
            ALTER TABLE "documents"
            ADD "status" character varying(16) NOT NULL DEFAULT 'pending'
        `);
        await queryRunner.query(`
            ALTER TABLE "documents"
            ADD "error" text
        `);
        await queryRunner.query(`
            ALTER TABLE "documents"
            ADD "page_count" integer
        `);
        await queryRunner.query(`
            ALTER TABLE "documents"
            ADD "char_count" integer
        `);
        await queryRunner.query(`
            ALTER TABLE "documents"
            ADD "ocr_used" boolean NOT NULL DEFAULT false
        `);
        await queryRunner.query(`
            ALTER TABLE "documents"
            ADD "processed_at" TIMESTAMP WITH TIME ZONE
        `);
        await queryRunner.query(`
            ALTER TABLE "documents"
            ADD CONSTRAINT "CHK_documents_status" CHECK (
                    "status" IN ('pending', 'processing', 'ready', 'failed')
                )
        `);
        await queryRunner.query(`
            ALTER TABLE "document_pages"
            ADD CONSTRAINT "FK_a417941c7fa102ca2b3ebd937c2" FOREIGN KEY ("document_id") REFERENCES "documents"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "document_pages" DROP CONSTRAINT "FK_a417941c7fa102ca2b3ebd937c2"
        `);
        await queryRunner.query(`
            ALTER TABLE "documents" DROP CONSTRAINT "CHK_documents_status"
        `);
        await queryRunner.query(`
            ALTER TABLE "documents" DROP COLUMN "processed_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "documents" DROP COLUMN "ocr_used"
        `);
        await queryRunner.query(`
            ALTER TABLE "documents" DROP COLUMN "char_count"
        `);
        await queryRunner.query(`
            ALTER TABLE "documents" DROP COLUMN "page_count"
        `);
        await queryRunner.query(`
            ALTER TABLE "documents" DROP COLUMN "error"
        `);
        await queryRunner.query(`
            ALTER TABLE "documents" DROP COLUMN "status"
        `);
        await queryRunner.query(`
            ALTER TABLE "documents" DROP COLUMN "sha256"
        `);
        await queryRunner.query(`
            DROP TABLE "document_pages"
        `);
    }

}
