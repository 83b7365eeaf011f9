import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiQueryErrors, Authenticated } from '#common';
import { AdminAgentPage, ListAllAgentsQuery } from './admin-agents.dto';
import { AdminAgentsService } from './admin-agents.service';

@ApiTags('admin')
@Authenticated({ admin: true })
@Controller('admin/agents')
export class AdminAgentsController {
  constructor(private readonly agents: AdminAgentsService) {}

  @Get()
  @ApiOkResponse({ type: AdminAgentPage, description: 'Every agent (private, shared with groups, public), newest first.' })
  @ApiOperation({ summary: 'List every agent, with owner, sharing and use' })
  @ApiQueryErrors()
  list(@Query() query: ListAllAgentsQuery): Promise<AdminAgentPage> {
    return this.agents.list(query);
  }
}
