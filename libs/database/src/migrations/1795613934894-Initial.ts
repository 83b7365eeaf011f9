import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795613934894 implements MigrationInterface {
    name = 'Initial1795613934894'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "users" (
                "id" SERIAL NOT NULL,
                "email" character varying(254) NOT NULL,
                "trigramme" character(3) NOT NULL,
                "hashed_password" character varying(255) NOT NULL,
                "is_active" boolean NOT NULL DEFAULT true,
                "is_admin" boolean NOT NULL DEFAULT false,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "UQ_users_email" ON "users" ("email")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "UQ_users_trigramme" ON "users" ("trigramme")
        `);
        await queryRunner.query(`
            CREATE TABLE "agents" (
                "id" SERIAL NOT NULL,
                "name" character varying(100) NOT NULL,
                "system_prompt" text NOT NULL DEFAULT '',
                "learn_from_interaction" boolean NOT NULL DEFAULT false,
                "is_public" boolean NOT NULL DEFAULT false,
                "owner_id" integer NOT NULL,
                "model" character varying(200) NOT NULL,
                "temperature" double precision NOT NULL DEFAULT '0.7',
                "avatar_url" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "deleted_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_9c653f28ae19c5884d5baf6a1d9" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_agents_is_public" ON "agents" ("is_public")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_agents_owner_id" ON "agents" ("owner_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "chats" (
                "id" SERIAL NOT NULL,
                "title" character varying(200) NOT NULL,
                "user_id" integer NOT NULL,
                "agent_id" integer,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_0117647b3c4a4e5ff198aeb6206" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_chats_agent_id" ON "chats" ("agent_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_chats_user_updated" ON "chats" ("user_id", "updated_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "documents" (
                "id" SERIAL NOT NULL,
                "filename" character varying(255) NOT NULL,
                "file_path" character varying(255) NOT NULL,
                "file_size" integer NOT NULL,
                "mime_type" character varying(100) NOT NULL,
                "entity_type" character varying(16) NOT NULL,
                "entity_id" integer NOT NULL,
                "uploader_id" integer NOT NULL,
                "uploaded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "CHK_documents_entity_type" CHECK ("entity_type" IN ('agent', 'chat')),
                CONSTRAINT "PK_ac51aa5181ee2036f5ca482857c" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_documents_uploader_id" ON "documents" ("uploader_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_documents_entity" ON "documents" ("entity_type", "entity_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "messages" (
                "id" SERIAL NOT NULL,
                "content" text NOT NULL,
                "role" character varying(16) NOT NULL,
                "chat_id" integer NOT NULL,
                "llm_model" character varying(200),
                "llm_provider" character varying(50),
                "status" character varying(16) NOT NULL DEFAULT 'complete',
                "error" text,
                "prompt_tokens" integer,
                "completion_tokens" integer,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "CHK_messages_status" CHECK (
                    "status" IN ('streaming', 'complete', 'stopped', 'failed')
                ),
                CONSTRAINT "CHK_messages_role" CHECK ("role" IN ('user', 'assistant', 'system')),
                CONSTRAINT "PK_18325f38ae6de43878487eff986" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_messages_chat_id_id" ON "messages" ("chat_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "sessions" (
                "id" uuid NOT NULL,
                "user_id" integer NOT NULL,
                "user_agent" character varying(512),
                "ip" character varying(64),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_sessions_user_id" ON "sessions" ("user_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_sessions_expires_at" ON "sessions" ("expires_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "agents"
            ADD CONSTRAINT "FK_8ca464af5c64010902e8538a5ba" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "chats"
            ADD CONSTRAINT "FK_b6c92d818d42e3e298e84d94414" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "chats"
            ADD CONSTRAINT "FK_657cfb73c6daecaa183a84fc64b" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "documents"
            ADD CONSTRAINT "FK_27c5610c1cd91c780af8ea85e38" FOREIGN KEY ("uploader_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "messages"
            ADD CONSTRAINT "FK_7540635fef1922f0b156b9ef74f" FOREIGN KEY ("chat_id") REFERENCES "chats"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "sessions" DROP CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19"
        `);
        await queryRunner.query(`
            ALTER TABLE "messages" DROP CONSTRAINT "FK_7540635fef1922f0b156b9ef74f"
        `);
        await queryRunner.query(`
            ALTER TABLE "documents" DROP CONSTRAINT "FK_27c5610c1cd91c780af8ea85e38"
        `);
        await queryRunner.query(`
            ALTER TABLE "chats" DROP CONSTRAINT "FK_657cfb73c6daecaa183a84fc64b"
        `);
        await queryRunner.query(`
            ALTER TABLE "chats" DROP CONSTRAINT "FK_b6c92d818d42e3e298e84d94414"
        `);
        await queryRunner.query(`
            ALTER TABLE "agents" DROP CONSTRAINT "FK_8ca464af5c64010902e8538a5ba"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_sessions_expires_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_sessions_user_id"
        `);
        await queryRunner.query(`
            DROP TABLE "sessions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_messages_chat_id_id"
        `);
        await queryRunner.query(`
            DROP TABLE "messages"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_documents_entity"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_documents_uploader_id"
        `);
        await queryRunner.query(`
            DROP TABLE "documents"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_chats_user_updated"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_chats_agent_id"
        `);
        await queryRunner.query(`
            DROP TABLE "chats"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_agents_owner_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_agents_is_public"
        `);
        await queryRunner.query(`
            DROP TABLE "agents"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."UQ_users_trigramme"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."UQ_users_email"
        `);
        await queryRunner.query(`
            DROP TABLE "users"
        `);
    }

}
