import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated, CurrentUser, IdPipe } from '#common';
import { SearchQuery, SearchResponse } from '#retrieval';
import { AgentResponse, MemoryResponse } from './agent.presenter';
import { AgentsService } from './agents.service';
import { CreateAgentDto, UpdateAgentDto } from './dto/agent.dto';
import type { AuthUser } from '#auth';

@ApiTags('agents')
@Authenticated()
@Controller('agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @ApiOkResponse({ type: [AgentResponse], description: 'Public agents (cached for 300 s, refreshed on any change).' })
  @Header('Content-Type', 'application/json; charset=utf-8')
  listPublic(): Promise<string> {
    return this.agents.listPublicJson();
  }

  @Get('my')
  @ApiOkResponse({ type: [AgentResponse], description: 'My agents, public or not.' })
  listMine(@CurrentUser() user: AuthUser): Promise<AgentResponse[]> {
    return this.agents.listMine(user);
  }

  @Post()
  @ApiCreatedResponse({ type: AgentResponse })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateAgentDto): Promise<AgentResponse> {
    return this.agents.create(user, body);
  }

  @Get(':id')
  @ApiOkResponse({ type: AgentResponse })
  @ApiNotFoundResponse({ description: 'Missing, deleted, or private and not mine.' })
  get(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<AgentResponse> {
    return this.agents.get(user, id);
  }

  @Put(':id')
  @ApiOkResponse({ type: AgentResponse })
  @ApiForbiddenResponse({ description: 'Visible but not mine (and I am not an admin).' })
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: number,
    @Body() body: UpdateAgentDto,
  ): Promise<AgentResponse> {
    return this.agents.update(user, id, body);
  }

  @Get(':id/search')
  @ApiOkResponse({ type: SearchResponse, description: "What retrieval finds in the agent's documents (owner or admin)." })
  search(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Query() query: SearchQuery): Promise<SearchResponse> {
    return this.agents.search(user, id, query);
  }

  @Get(':id/memories')
  @ApiOkResponse({ type: [MemoryResponse], description: 'What this agent learnt about me (agents with learn_from_interaction).' })
  listMemories(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<MemoryResponse[]> {
    return this.agents.listMemories(user, id);
  }

  @Delete(':id/memories')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'All my memories with this agent are forgotten.' })
  forgetAll(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.agents.forget(user, id);
  }

  @Delete(':id/memories/:memoryId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Forgotten.' })
  forgetOne(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: number,
    @Param('memoryId', IdPipe) memoryId: number,
  ): Promise<void> {
    return this.agents.forget(user, id, memoryId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Soft-deleted: its chats keep their history.' })
  @ApiForbiddenResponse()
  remove(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.agents.remove(user, id);
  }
}
