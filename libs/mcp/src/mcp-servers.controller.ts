import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBodyErrors, ApiErrors, ApiIdParams, Authenticated, CurrentUser, IdPipe } from '#common';
import type { AuthUser } from '#auth';
import { CreateMcpServerDto, UpdateMcpServerDto } from './dto/mcp-server.dto';
import { McpServerResponse, McpToolResponse } from './mcp-server.presenter';
import { McpServersService } from './mcp-servers.service';

const HEALTH = 'With its health on the instance that answers.';

@ApiTags('admin')
@Authenticated({ admin: true })
@Controller('admin/mcp-servers')
export class McpServersController {
  constructor(private readonly servers: McpServersService) {}

  @Get()
  @ApiOkResponse({ type: [McpServerResponse], description: `Every registered MCP server, by name. ${HEALTH}` })
  @ApiOperation({ summary: 'List MCP servers' })
  list(): Promise<McpServerResponse[]> {
    return this.servers.list();
  }

  @Post()
  @ApiCreatedResponse({ type: McpServerResponse, description: `Registered and connected (or failed: see health). ${HEALTH}` })
  @ApiOperation({ summary: 'Register an MCP server' })
  @ApiBodyErrors()
  @ApiErrors({ 400: 'A stdio server while MCP_ALLOW_STDIO is off.', 409: 'A server with this name exists.' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateMcpServerDto): Promise<McpServerResponse> {
    return this.servers.create(user, body);
  }

  @Get(':id')
  @ApiOkResponse({ type: McpServerResponse, description: HEALTH })
  @ApiErrors(404)
  @ApiOperation({ summary: 'Get an MCP server' })
  @ApiIdParams('id')
  get(@Param('id', IdPipe) id: number): Promise<McpServerResponse> {
    return this.servers.get(id);
  }

  @Put(':id')
  @ApiOkResponse({ type: McpServerResponse, description: `Changed and reconnected on every instance. ${HEALTH}` })
  @ApiOperation({ summary: 'Change an MCP server' })
  @ApiBodyErrors()
  @ApiErrors(404, { 400: 'A stdio server while MCP_ALLOW_STDIO is off.', 409: 'A server with this name exists.' })
  @ApiIdParams('id')
  update(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Body() body: UpdateMcpServerDto): Promise<McpServerResponse> {
    return this.servers.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted and disconnected; agents lose its tools.' })
  @ApiOperation({ summary: 'Delete an MCP server' })
  @ApiErrors(404)
  @ApiIdParams('id')
  remove(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.servers.remove(user, id);
  }

  @Get(':id/tools')
  @ApiOkResponse({ type: [McpToolResponse], description: 'As last listed (empty while it cannot be reached).' })
  @ApiOperation({ summary: "List an MCP server's tools" })
  @ApiErrors(404)
  @ApiIdParams('id')
  tools(@Param('id', IdPipe) id: number): Promise<McpToolResponse[]> {
    return this.servers.tools(id);
  }

  @Post(':id/refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: McpServerResponse, description: `Reconnected now and its tools listed again. ${HEALTH}` })
  @ApiOperation({ summary: 'Reconnect an MCP server' })
  @ApiErrors(404)
  @ApiIdParams('id')
  refresh(@Param('id', IdPipe) id: number): Promise<McpServerResponse> {
    return this.servers.refresh(id);
  }
}
