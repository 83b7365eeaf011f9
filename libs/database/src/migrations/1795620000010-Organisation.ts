import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The organisation: groups and their members; agents shared with groups
 * (`visibility` replaces `is_public`); the usage ledger (one row per model
 * call, no foreign keys so deletions never change totals); budgets for
 * everyone, a user or a group; and the audit log.
 */
export class Organisation1795620000010 implements MigrationInterface {
  name = 'Organisation1795620000010';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const run = (sql: string) => queryRunner.query(sql);
    await run(`CREATE TABLE "groups" (
      "id" SERIAL NOT NULL,
      "name" character varying(100) NOT NULL,
      "description" text NOT NULL DEFAULT '',
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_659d1483316afb28afd3a90646e" PRIMARY KEY ("id"))`);
    await run('CREATE UNIQUE INDEX "UQ_groups_name_lower" ON "groups" (lower("name"))');
    await run(`CREATE TABLE "group_members" (
      "group_id" integer NOT NULL,
      "user_id" integer NOT NULL,
      "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_f5939ee0ad233ad35e03f5c65c1" PRIMARY KEY ("group_id", "user_id"),
      CONSTRAINT "FK_2c840df5db52dc6b4a1b0b69c6e" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
      CONSTRAINT "FK_20a555b299f75843aa53ff8b0ee" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await run('CREATE INDEX "IDX_group_members_user_id" ON "group_members" ("user_id")');

    await run(`ALTER TABLE "agents" ADD "visibility" character varying(8) NOT NULL DEFAULT 'private'`);
    await run(`UPDATE "agents" SET "visibility" = 'public' WHERE "is_public"`);
    await run('DROP INDEX "IDX_agents_is_public"');
    await run('ALTER TABLE "agents" DROP COLUMN "is_public"');
    await run('CREATE INDEX "IDX_agents_visibility" ON "agents" ("visibility")');
    await run(`ALTER TABLE "agents" ADD CONSTRAINT "CHK_agents_visibility" CHECK ("visibility" IN ('private', 'groups', 'public'))`);
    await run(`CREATE TABLE "agent_groups" (
      "agent_id" integer NOT NULL,
      "group_id" integer NOT NULL,
      CONSTRAINT "PK_65a2237d17a22e96fff28688776" PRIMARY KEY ("agent_id", "group_id"),
      CONSTRAINT "FK_04a671cdf91d362c0e3bf731d02" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
      CONSTRAINT "FK_1bb725ee1fbb0b1cd9d51073f9f" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await run('CREATE INDEX "IDX_agent_groups_group_id" ON "agent_groups" ("group_id")');

    await run(`CREATE TABLE "usage_records" (
      "id" BIGSERIAL NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "user_id" integer,
      "agent_id" integer,
      "chat_id" integer,
      "message_id" integer,
      "document_id" integer,
      "purpose" character varying(32) NOT NULL,
      "provider" character varying(50) NOT NULL,
      "model" character varying(200) NOT NULL,
      "prompt_tokens" integer NOT NULL DEFAULT '0',
      "completion_tokens" integer NOT NULL DEFAULT '0',
      "estimated" boolean NOT NULL,
      "latency_ms" integer NOT NULL,
      "outcome" character varying(16) NOT NULL,
      "cost" numeric(18, 8),
      CONSTRAINT "CHK_usage_records_outcome" CHECK ("outcome" IN ('complete', 'stopped', 'failed', 'interrupted')),
      CONSTRAINT "CHK_usage_records_purpose" CHECK ("purpose" IN ('answer', 'regenerate', 'vision', 'title', 'memory_extraction', 'document_embedding', 'memory_embedding', 'query_embedding')),
      CONSTRAINT "PK_e511cf9f7dc53851569f87467a5" PRIMARY KEY ("id"))`);
    await run(`CREATE UNIQUE INDEX "UQ_usage_records_answer" ON "usage_records" ("message_id") WHERE purpose IN ('answer', 'regenerate', 'vision')`);
    await run('CREATE INDEX "IDX_usage_records_created_at" ON "usage_records" ("created_at")');
    await run('CREATE INDEX "IDX_usage_records_user_id_created_at" ON "usage_records" ("user_id", "created_at")');

    await run(`CREATE TABLE "budgets" (
      "id" SERIAL NOT NULL,
      "scope" character varying(8) NOT NULL,
      "user_id" integer,
      "group_id" integer,
      "tokens_per_day" integer,
      "tokens_per_month" integer,
      "messages_per_day" integer,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_budgets_scope" CHECK (("scope" = 'default' AND "user_id" IS NULL AND "group_id" IS NULL) OR ("scope" = 'user' AND "user_id" IS NOT NULL AND "group_id" IS NULL) OR ("scope" = 'group' AND "group_id" IS NOT NULL AND "user_id" IS NULL)),
      CONSTRAINT "PK_9c8a51748f82387644b773da482" PRIMARY KEY ("id"),
      CONSTRAINT "FK_5d25d8bbd6c209261dfe04558f1" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
      CONSTRAINT "FK_b908bfb577f0029c4e18c56578c" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await run(`CREATE UNIQUE INDEX "UQ_budgets_default" ON "budgets" ("scope") WHERE scope = 'default'`);
    await run('CREATE UNIQUE INDEX "UQ_budgets_user_id" ON "budgets" ("user_id") WHERE user_id IS NOT NULL');
    await run('CREATE UNIQUE INDEX "UQ_budgets_group_id" ON "budgets" ("group_id") WHERE group_id IS NOT NULL');

    await run(`CREATE TABLE "audit_events" (
      "id" BIGSERIAL NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "actor_id" integer,
      "actor_label" character varying(254),
      "action" character varying(64) NOT NULL,
      "outcome" character varying(16) NOT NULL,
      "target_type" character varying(32),
      "target_id" character varying(64),
      "target_label" character varying(254),
      "ip" character varying(64),
      "user_agent" character varying(512),
      "details" jsonb,
      CONSTRAINT "CHK_audit_events_outcome" CHECK ("outcome" IN ('success', 'failure', 'denied')),
      CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`);
    await run('CREATE INDEX "IDX_audit_events_created_at" ON "audit_events" ("created_at")');
    await run('CREATE INDEX "IDX_audit_events_actor_id" ON "audit_events" ("actor_id", "id")');
    await run('CREATE INDEX "IDX_audit_events_action" ON "audit_events" ("action", "id")');
    await run('CREATE INDEX "IDX_audit_events_target" ON "audit_events" ("target_type", "target_id", "id")');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const run = (sql: string) => queryRunner.query(sql);
    await run('DROP TABLE "audit_events"');
    await run('DROP TABLE "budgets"');
    await run('DROP TABLE "usage_records"');
    await run('DROP TABLE "agent_groups"');
    await run(`ALTER TABLE "agents" ADD "is_public" boolean NOT NULL DEFAULT false`);
    await run(`UPDATE "agents" SET "is_public" = true WHERE "visibility" = 'public'`);
    await run('ALTER TABLE "agents" DROP COLUMN "visibility"');
    await run('CREATE INDEX "IDX_agents_is_public" ON "agents" ("is_public")');
    await run('DROP TABLE "group_members"');
    await run('DROP TABLE "groups"');
  }
}
