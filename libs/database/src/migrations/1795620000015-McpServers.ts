import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tools for agents: the MCP servers admins register (secrets encrypted, their
 * names in clear) and, per agent, the tools of those servers it may call.
 */
export class McpServers1795620000015 implements MigrationInterface {
  name = 'McpServers1795620000015';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const run = (sql: string) => queryRunner.query(sql);
    await run(`CREATE TABLE "mcp_servers" (
      "id" SERIAL NOT NULL,
      "name" character varying(32) NOT NULL,
      "transport" character varying(8) NOT NULL,
      "url" text,
      "headers_encrypted" text,
      "header_names" jsonb NOT NULL DEFAULT '[]',
      "command" text,
      "args" jsonb NOT NULL DEFAULT '[]',
      "env_encrypted" text,
      "env_names" jsonb NOT NULL DEFAULT '[]',
      "enabled" boolean NOT NULL DEFAULT true,
      "visibility" character varying(8) NOT NULL DEFAULT 'admin',
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_mcp_servers_transport" CHECK ("transport" IN ('http', 'stdio')),
      CONSTRAINT "CHK_mcp_servers_visibility" CHECK ("visibility" IN ('everyone', 'admin')),
      CONSTRAINT "PK_c781b3dc7cb2a5d19460b71914d" PRIMARY KEY ("id"))`);
    await run('CREATE UNIQUE INDEX "UQ_mcp_servers_name" ON "mcp_servers" ("name")');
    await run(`CREATE TABLE "agent_tools" (
      "agent_id" integer NOT NULL,
      "server_id" integer NOT NULL,
      "tool_name" character varying(128) NOT NULL,
      CONSTRAINT "PK_20bf8c2821c78761710c43c3ad4" PRIMARY KEY ("agent_id", "server_id", "tool_name"),
      CONSTRAINT "FK_6cd8d0d6927bc95c8767e44eb79" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
      CONSTRAINT "FK_ef71a27193999b5a312ca444229" FOREIGN KEY ("server_id") REFERENCES "mcp_servers"("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await run('CREATE INDEX "IDX_agent_tools_server_id" ON "agent_tools" ("server_id")');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "agent_tools"');
    await queryRunner.query('DROP TABLE "mcp_servers"');
  }
}
