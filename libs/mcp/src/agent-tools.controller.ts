import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBodyErrors, ApiErrors, ApiIdParams, Authenticated, CurrentUser, IdPipe } from '#common';
import type { AuthUser } from '#auth';
import { AgentToolsResponse } from './agent-tools.presenter';
import { AgentToolsService } from './agent-tools.service';
import { ReplaceAgentToolsDto } from './dto/agent-tools.dto';

@ApiTags('agents')
@Authenticated()
@Controller('agents/:id/tools')
export class AgentToolsController {
  constructor(private readonly tools: AgentToolsService) {}

  @Get()
  @ApiOkResponse({ type: AgentToolsResponse, description: 'The tools the agent may call (for whoever chats with it), and whether each is available now.' })
  @ApiOperation({ summary: "List an agent's tools" })
  @ApiErrors({ 404: 'Missing, deleted, or not shared with me.' })
  @ApiIdParams('id')
  list(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<AgentToolsResponse> {
    return this.tools.list(user, id);
  }

  @Put()
  @ApiOkResponse({ type: AgentToolsResponse, description: 'The new set replaces the old one.' })
  @ApiOperation({ summary: "Set an agent's tools" })
  @ApiBodyErrors()
  @ApiErrors({
    400: 'An entry names no server, a tool the server does not list, a disabled or unreachable server, or (for a non-admin) an admin-only server.',
    403: 'Visible but not mine (and I am not an admin).',
    404: 'Missing, deleted, or private and not mine.',
  })
  @ApiIdParams('id')
  replace(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Body() body: ReplaceAgentToolsDto): Promise<AgentToolsResponse> {
    return this.tools.replace(user, id, body.tools);
  }
}
