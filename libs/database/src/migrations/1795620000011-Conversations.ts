import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Conversations as a tree: a question's parent is the answer it follows, so
 * edits and regenerations are branches and a chat remembers its active leaf.
 * Existing chats keep their order as the active path: each question follows
 * the latest answer before it, and the leaf is the latest answer to the
 * latest question. Also: attachments and answer options kept on messages for
 * regenerations, full-text search of messages, organising chats (pin,
 * archive, tags), per-chat model options, feedback on answers, share links.
 */
export class Conversations1795620000011 implements MigrationInterface {
  name = 'Conversations1795620000011';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const run = (sql: string) => queryRunner.query(sql);
    await run('ALTER TABLE "messages" ADD "document_ids" integer array');
    await run('ALTER TABLE "messages" ADD "llm_temperature" double precision');
    await run('ALTER TABLE "messages" ADD "llm_max_tokens" integer');
    await run('ALTER TABLE "messages" ADD "tsv" tsvector');
    await run('CREATE INDEX "IDX_messages_tsv" ON "messages" USING GIN ("tsv")');

    await run('ALTER TABLE "chats" ADD "active_leaf_id" integer');
    await run('ALTER TABLE "chats" ADD "pinned" boolean NOT NULL DEFAULT false');
    await run('ALTER TABLE "chats" ADD "archived_at" TIMESTAMP WITH TIME ZONE');
    await run(`ALTER TABLE "chats" ADD "tags" character varying(50) array NOT NULL DEFAULT '{}'`);
    await run('CREATE INDEX "IDX_chats_tags" ON "chats" USING GIN ("tags")');
    await run('ALTER TABLE "chats" ADD "model" character varying(200)');
    await run('ALTER TABLE "chats" ADD "temperature" double precision');
    await run('ALTER TABLE "chats" ADD "max_output_tokens" integer');
    await run(
      'ALTER TABLE "chats" ADD CONSTRAINT "FK_d93d2c5692fd90ebd9b04ff2670" FOREIGN KEY ("active_leaf_id") REFERENCES "messages"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );

    // The tree of existing chats: each question follows the latest answer before it.
    await run(`UPDATE "messages" q SET "parent_id" = (
        SELECT max(a.id) FROM "messages" a WHERE a.chat_id = q.chat_id AND a.role = 'assistant' AND a.id < q.id)
      WHERE q.role = 'user'`);
    // The leaf: the latest answer to the latest question (or that question when unanswered, or the latest message).
    await run(`UPDATE "chats" c SET "active_leaf_id" = coalesce(
        (SELECT max(a.id) FROM "messages" a WHERE a.chat_id = c.id AND a.role = 'assistant'
           AND a.parent_id = (SELECT max(q.id) FROM "messages" q WHERE q.chat_id = c.id AND q.role = 'user')),
        (SELECT max(q.id) FROM "messages" q WHERE q.chat_id = c.id AND q.role = 'user'),
        (SELECT max(m.id) FROM "messages" m WHERE m.chat_id = c.id))`);

    await run(`CREATE TABLE "message_feedback" (
      "id" SERIAL NOT NULL,
      "message_id" integer NOT NULL,
      "user_id" integer NOT NULL,
      "rating" smallint NOT NULL,
      "reason" character varying(32),
      "comment" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_message_feedback_rating" CHECK ("rating" IN (-1, 1)),
      CONSTRAINT "PK_ab38df3ab5715f78a9f2c5f0c4a" PRIMARY KEY ("id"),
      CONSTRAINT "FK_ca21e42f59ad7a1f2638a86aedf" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
      CONSTRAINT "FK_034db2dc4ac94221ec3f8aa9fe0" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await run('CREATE UNIQUE INDEX "UQ_message_feedback_message_user" ON "message_feedback" ("message_id", "user_id")');
    await run('CREATE INDEX "IDX_message_feedback_created_at" ON "message_feedback" ("created_at")');

    await run(`CREATE TABLE "share_links" (
      "id" SERIAL NOT NULL,
      "token_hash" character varying(64) NOT NULL,
      "chat_id" integer NOT NULL,
      "user_id" integer NOT NULL,
      "snapshot" jsonb NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "expires_at" TIMESTAMP WITH TIME ZONE,
      "revoked_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_70320b79ecd8acab96419fcdd6d" PRIMARY KEY ("id"),
      CONSTRAINT "FK_9d2fe5d8abff640eb0b93f01fea" FOREIGN KEY ("chat_id") REFERENCES "chats"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
      CONSTRAINT "FK_6545cc8f42ed8a2af5652e5e5c7" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await run('CREATE UNIQUE INDEX "UQ_share_links_token_hash" ON "share_links" ("token_hash")');
    await run('CREATE INDEX "IDX_share_links_user_id" ON "share_links" ("user_id", "id")');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const run = (sql: string) => queryRunner.query(sql);
    await run('DROP TABLE "share_links"');
    await run('DROP TABLE "message_feedback"');
    await run(`UPDATE "messages" SET "parent_id" = NULL WHERE "role" = 'user'`);
    await run('ALTER TABLE "chats" DROP CONSTRAINT "FK_d93d2c5692fd90ebd9b04ff2670"');
    for (const column of ['max_output_tokens', 'temperature', 'model', 'tags', 'archived_at', 'pinned', 'active_leaf_id']) {
      await run(`ALTER TABLE "chats" DROP COLUMN "${column}"`);
    }
    for (const column of ['tsv', 'llm_max_tokens', 'llm_temperature', 'document_ids']) {
      await run(`ALTER TABLE "messages" DROP COLUMN "${column}"`);
    }
  }
}
