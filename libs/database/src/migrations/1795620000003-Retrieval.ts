import { MigrationInterface, QueryRunner } from "typeorm";

export class Retrieval1795620000003 implements MigrationInterface {
    name = 'Retrieval1795620000003'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "document_chunks" (
                "id" SERIAL NOT NULL,
                "document_id" integer NOT NULL,
                "page" integer NOT NULL,
                "position" integer NOT NULL,
                "text" text NOT NULL,
                "token_count" integer NOT NULL,
                "tsv" tsvector,
                "embedding" real array,
                "embedding_model" character varying(200),
                "embedding_dim" integer,
                CONSTRAINT "PK_7f9060084e9b872dbb567193978" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_document_chunks_document" ON "document_chunks" ("document_id", "position")
        `);
        await queryRunner.query(`
            CREATE TABLE "memories" (
                "id" SERIAL NOT NULL,
                "user_id" integer NOT NULL,
                "agent_id" integer NOT NULL,
                "content" text NOT NULL,
                "source_message_id" integer,
                "tsv" tsvector,
                "embedding" real array,
                "embedding_model" character varying(200),
                "embedding_dim" integer,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_aaa0692d9496fe827b0568612f8" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_memories_user_agent" ON "memories" ("user_id", "agent_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "messages"
            ADD "citations" jsonb
        `);
        await queryRunner.query(`
            ALTER TABLE "document_chunks"
            ADD CONSTRAINT "FK_b371ff8bc1e4f65fc3d01420be5" FOREIGN KEY ("document_id") REFERENCES "documents"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "memories"
            ADD CONSTRAINT "FK_94d0e68b114888057511642c848" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "memories"
            ADD CONSTRAINT "FK_952b834b393351fd90963794060" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "memories"
            ADD CONSTRAINT "FK_d5afa1bc3aab4921b55cbe85351" FOREIGN KEY ("source_message_id") REFERENCES "messages"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        // GIN indexes for full-text search; declared with synchronize: false in the entities.
        await queryRunner.query(`CREATE INDEX "IDX_document_chunks_tsv" ON "document_chunks" USING GIN ("tsv")`);
        await queryRunner.query(`CREATE INDEX "IDX_memories_tsv" ON "memories" USING GIN ("tsv")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_memories_tsv"`);
        await queryRunner.query(`DROP INDEX "IDX_document_chunks_tsv"`);
        await queryRunner.query(`
            ALTER TABLE "memories" DROP CONSTRAINT "FK_d5afa1bc3aab4921b55cbe85351"
        `);
        await queryRunner.query(`
            ALTER TABLE "memories" DROP CONSTRAINT "FK_952b834b393351fd90963794060"
        `);
        await queryRunner.query(`
            ALTER TABLE "memories" DROP CONSTRAINT "FK_94d0e68b114888057511642c848"
        `);
        await queryRunner.query(`
            ALTER TABLE "document_chunks" DROP CONSTRAINT "FK_b371ff8bc1e4f65fc3d01420be5"
        `);
        await queryRunner.query(`
            ALTER TABLE "messages" DROP COLUMN "citations"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_memories_user_agent"
        `);
        await queryRunner.query(`
            DROP TABLE "memories"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_document_chunks_document"
        `);
        await queryRunner.query(`
            DROP TABLE "document_chunks"
        `);
    }

}
