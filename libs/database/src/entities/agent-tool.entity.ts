import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Agent } from './agent.entity';
import { McpServer } from './mcp-server.entity';

/** One tool an agent may call: a tool of a registered MCP server, by its name at that server. */
@Entity('agent_tools')
@Index('IDX_agent_tools_server_id', ['server_id'])
export class AgentTool {
  @PrimaryColumn({ type: 'int' })
  agent_id!: number;

  @PrimaryColumn({ type: 'int' })
  server_id!: number;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  tool_name!: string;

  @ManyToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id' })
  agent?: Agent;

  @ManyToOne(() => McpServer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'server_id' })
  server?: McpServer;
}
