import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AgentTool } from '../entities/agent-tool.entity';

export interface ToolGrant {
  server_id: number;
  tool_name: string;
}

/** Every query on agent_tools (the tools each agent may call). */
@Injectable()
export class AgentToolsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The agent's grants, by server then tool name. */
  async listFor(agentId: number): Promise<ToolGrant[]> {
    const rows = await this.dataSource.getRepository(AgentTool).find({
      where: { agent_id: agentId },
      order: { server_id: 'ASC', tool_name: 'ASC' },
    });
    return rows.map(({ server_id, tool_name }) => ({ server_id, tool_name }));
  }

  /** Replaces the agent's whole set at once, so no reader sees half of it. */
  async replace(agentId: number, grants: ToolGrant[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(AgentTool, { agent_id: agentId });
      if (grants.length > 0) {
        await manager.insert(AgentTool, grants.map((grant) => ({ agent_id: agentId, ...grant })));
      }
    });
  }
}
