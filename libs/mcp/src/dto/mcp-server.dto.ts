import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsObject, IsString, Matches, MaxLength } from 'class-validator';
import { MCP_SERVER_VISIBILITIES, MCP_TRANSPORTS } from '#database';
import type { McpServerVisibility, McpTransport } from '#database';
import { Nullable, Optional } from '#common';

export const SERVER_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

const SECRETS_DESCRIPTION = 'Stored encrypted; the API only ever shows their names.';

/** Fields shared by registration and change; what each transport needs is checked by the service. */
class McpServerFieldsDto {
  @ApiPropertyOptional({ type: String, example: 'https://tools.example.org/mcp', maxLength: 2000, nullable: true, description: 'Streamable HTTP endpoint (`http` transport): http or https.' })
  @Nullable()
  @IsString()
  @MaxLength(2000)
  url?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    example: { Authorization: 'Bearer …' },
    description: `HTTP headers sent with every request (\`http\` transport). ${SECRETS_DESCRIPTION} On change, the whole set is replaced (null or {}: none).`,
  })
  @Nullable()
  @IsObject()
  headers?: Record<string, string> | null;

  @ApiPropertyOptional({ type: String, example: 'node', maxLength: 1000, nullable: true, description: 'Command to run (`stdio` transport; needs MCP_ALLOW_STDIO=true).' })
  @Nullable()
  @IsString()
  @MaxLength(1000)
  command?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: 64, example: ['server.js'], description: "The command's arguments." })
  @Optional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MaxLength(2000, { each: true })
  args?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    description: `Environment variables of the command (\`stdio\` transport), on top of a minimal PATH/HOME. ${SECRETS_DESCRIPTION} On change, the whole set is replaced.`,
  })
  @Nullable()
  @IsObject()
  env?: Record<string, string> | null;

  @ApiPropertyOptional({ default: true, description: 'A disabled server is not connected and its tools are offered to no agent.' })
  @Optional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ enum: MCP_SERVER_VISIBILITIES, default: 'admin', description: '`admin`: only admins may grant its tools to an agent; `everyone`: any agent owner may.' })
  @Optional()
  @IsIn(MCP_SERVER_VISIBILITIES)
  visibility?: McpServerVisibility;
}

export class CreateMcpServerDto extends McpServerFieldsDto {
  @ApiProperty({ example: 'search', pattern: SERVER_NAME.source, description: 'Unique; prefixes the names of its tools as the model sees them (`search__query`).' })
  @IsString()
  @Matches(SERVER_NAME, { message: 'name must be 1 to 32 lower-case letters, digits or dashes, not starting with a dash' })
  name!: string;

  @ApiProperty({ enum: MCP_TRANSPORTS, description: '`http`: Streamable HTTP at `url`; `stdio`: a local `command`.' })
  @IsIn(MCP_TRANSPORTS)
  transport!: McpTransport;
}

/** Only what is sent changes. */
export class UpdateMcpServerDto extends McpServerFieldsDto {
  @ApiPropertyOptional({ pattern: SERVER_NAME.source })
  @Optional()
  @IsString()
  @Matches(SERVER_NAME, { message: 'name must be 1 to 32 lower-case letters, digits or dashes, not starting with a dash' })
  name?: string;

  @ApiPropertyOptional({ enum: MCP_TRANSPORTS })
  @Optional()
  @IsIn(MCP_TRANSPORTS)
  transport?: McpTransport;
}
