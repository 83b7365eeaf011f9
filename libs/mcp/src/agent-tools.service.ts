import { Injectable } from '@nestjs/common';
import { AgentsService } from '#agents';
import { AuditLog } from '#audit';
import type { AuthUser } from '#auth';
import { BadRequestError } from '#common';
import { AgentToolsRepository, McpServersRepository } from '#database';
import type { McpServer, ToolGrant } from '#database';
import type { ToolGrantDto } from './dto/agent-tools.dto';
import { AgentToolResponse, AgentToolsResponse } from './agent-tools.presenter';
import { McpClients } from './mcp-clients';
import { McpTools } from './mcp-tools';

/**
 * Which tools an agent may call. Whoever may see the agent may read them;
 * its owner or an admin sets them, only from servers they may grant (admin-only
 * servers: admins) and only tools the server lists. A public agent's tools run
 * for whoever chats with it, with the configuration set here.
 */
@Injectable()
export class AgentToolsService {
  constructor(
    private readonly agents: AgentsService,
    private readonly agentTools: AgentToolsRepository,
    private readonly servers: McpServersRepository,
    private readonly clients: McpClients,
    private readonly tools: McpTools,
    private readonly audit: AuditLog,
  ) {}

  async list(user: AuthUser, agentId: number): Promise<AgentToolsResponse> {
    const agent = await this.agents.findVisible(user, agentId);
    const grants = await this.agentTools.listFor(agent.id);
    return { tools: await this.present(grants, await this.serversOf(grants.map((grant) => grant.server_id))) };
  }

  async replace(user: AuthUser, agentId: number, entries: ToolGrantDto[]): Promise<AgentToolsResponse> {
    const agent = await this.agents.findEditable(user, agentId);
    const servers = await this.serversOf(entries.map((entry) => entry.server_id));
    // A grant an admin made stays when its owner changes the others.
    const kept = new Set((await this.agentTools.listFor(agent.id)).map((grant) => `${grant.server_id}/${grant.tool_name}`));
    const grants: ToolGrant[] = [];
    for (const [i, entry] of entries.entries()) {
      const server = servers.get(entry.server_id);
      await this.checkEntry(user, `tools[${i}]`, entry, server, kept.has(`${entry.server_id}/${entry.tool}`));
      const first = entries.findIndex((other) => other.server_id === entry.server_id && other.tool === entry.tool);
      if (first < i) throw new BadRequestError(`tools[${i}] repeats tools[${first}]`);
      grants.push({ server_id: entry.server_id, tool_name: entry.tool });
    }
    await this.agentTools.replace(agent.id, grants);
    await this.tools.grantsChanged(agent.id);
    await this.audit.record({
      action: 'agent.tools_update',
      actor: user,
      target: { type: 'agent', id: agent.id, label: agent.name },
      details: { tools: grants.map((grant) => `${servers.get(grant.server_id)?.name}/${grant.tool_name}`) },
    });
    return { tools: await this.present(grants, servers) };
  }

  private async checkEntry(user: AuthUser, entry: string, grant: ToolGrantDto, server: McpServer | undefined, granted: boolean): Promise<void> {
    if (!server) throw new BadRequestError(`${entry}: there is no MCP server ${grant.server_id}`);
    if (server.visibility === 'admin' && !user.is_admin && !granted) throw new BadRequestError(`${entry}: only admins may grant the tools of MCP server ${server.name}`);
    if (!server.enabled) throw new BadRequestError(`${entry}: MCP server ${server.name} is disabled`);
    const connection = await this.clients.connection(server.id);
    await connection?.ready();
    if (!connection?.connected) {
      throw new BadRequestError(`${entry}: MCP server ${server.name} is unavailable (${connection?.health.error ?? 'not connected'}), so its tools cannot be checked`);
    }
    if (!connection.tools.some((tool) => tool.name === grant.tool)) {
      throw new BadRequestError(`${entry}: MCP server ${server.name} has no tool "${grant.tool}"`);
    }
  }

  private async serversOf(ids: number[]): Promise<Map<number, McpServer>> {
    return new Map((await this.servers.findByIds([...new Set(ids)])).map((server) => [server.id, server]));
  }

  private async present(grants: ToolGrant[], servers: Map<number, McpServer>): Promise<AgentToolResponse[]> {
    return Promise.all(
      grants.map(async (grant) => {
        const server = servers.get(grant.server_id);
        const connection = server?.enabled ? await this.clients.connection(grant.server_id) : undefined;
        if (connection && !connection.connected) await connection.ready();
        const tool = connection?.tools.find((candidate) => candidate.name === grant.tool_name);
        return { server_id: grant.server_id, server: server?.name ?? '', tool: grant.tool_name, description: tool?.description ?? '', available: tool !== undefined };
      }),
    );
  }
}
