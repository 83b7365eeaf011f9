import { Module } from '@nestjs/common';
import { AgentsModule } from '#agents';
import { AuditModule } from '#audit';
import { RealtimeModule } from '#realtime';
import { AgentToolsController } from './agent-tools.controller';
import { AgentToolsService } from './agent-tools.service';
import { McpClients } from './mcp-clients';
import { McpSecrets } from './mcp-secrets';
import { McpServersController } from './mcp-servers.controller';
import { McpServersService } from './mcp-servers.service';
import { McpTools } from './mcp-tools';

/** Tools from MCP servers: the admins' registry, each agent's grants, and McpTools for answers. */
@Module({
  imports: [AgentsModule, AuditModule, RealtimeModule],
  controllers: [McpServersController, AgentToolsController],
  providers: [McpClients, McpSecrets, McpServersService, AgentToolsService, McpTools],
  exports: [McpTools],
})
export class McpModule {}
