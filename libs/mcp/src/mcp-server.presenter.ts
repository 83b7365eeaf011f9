import { ApiProperty } from '@nestjs/swagger';
import { redactUrl } from '#config';
import { MCP_SERVER_VISIBILITIES, MCP_TRANSPORTS } from '#database';
import type { McpServer, McpServerVisibility, McpTransport } from '#database';
import type { HealthState, ServerHealth } from './server-tool';

export class McpServerHealth {
  @ApiProperty({ enum: ['connected', 'connecting', 'failed', 'disabled'], description: "This instance's connection." })
  state!: HealthState;

  @ApiProperty({ type: String, nullable: true, description: 'Why it failed, in a line (never a secret).' })
  error!: string | null;

  @ApiProperty({ description: 'Tools it lists.' })
  tools_count!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it last connected or failed.' })
  checked_at!: Date | null;
}

export class McpServerResponse {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'search' }) name!: string;
  @ApiProperty({ enum: MCP_TRANSPORTS }) transport!: McpTransport;
  @ApiProperty({ type: String, nullable: true, description: 'Its password, if any, shown as ***.' }) url!: string | null;
  @ApiProperty({ type: [String], description: 'Names of the headers sent; their values are never shown.' }) header_names!: string[];
  @ApiProperty({ type: String, nullable: true }) command!: string | null;
  @ApiProperty({ type: [String] }) args!: string[];
  @ApiProperty({ type: [String], description: "Names of the command's environment variables; their values are never shown." }) env_names!: string[];
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: MCP_SERVER_VISIBILITIES }) visibility!: McpServerVisibility;
  @ApiProperty({ type: McpServerHealth }) health!: McpServerHealth;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updated_at!: Date;
}

export class McpToolResponse {
  @ApiProperty({ example: 'echo' }) name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema of its arguments.' }) input_schema!: Record<string, unknown>;
}

/** Secrets stay out: header and environment values are never part of a response. */
export function presentServer(server: McpServer, health: ServerHealth): McpServerResponse {
  return {
    id: server.id,
    name: server.name,
    transport: server.transport,
    url: server.url === null ? null : redactUrl(server.url),
    header_names: server.header_names,
    command: server.command,
    args: server.args,
    env_names: server.env_names,
    enabled: server.enabled,
    visibility: server.visibility,
    health,
    created_at: server.created_at,
    updated_at: server.updated_at,
  };
}
