import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, IdPipe, ApiErrors, ApiBodyErrors, ApiQueryErrors, ApiIdParams } from '#common';
import { SearchQuery, SearchResponse } from '#retrieval';
import { AgentPage, AgentResponse, MemoryPage } from './agent.presenter';
import { AgentsService } from './agents.service';
import { CreateAgentDto, ListAgentsQuery, ListMemoriesQuery, UpdateAgentDto } from './dto/agent.dto';
import type { AuthUser } from '#auth';

@ApiTags('agents')
@Authenticated()
@Controller('agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @ApiOkResponse({
    type: AgentPage,
    description:
      'Public agents and those shared with my groups, by name, then id (cached, refreshed on any change to an agent or to my groups). A `before` no longer listed is 422: list again from the first page.',
  })
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: 'List the agents I may use (the catalogue)' })
  @ApiQueryErrors()
  listCatalogue(@CurrentUser() user: AuthUser, @Query() query: ListAgentsQuery): Promise<string> {
    return this.agents.listCatalogueJson(user, query);
  }

  @Get('my')
  @ApiOkResponse({ type: AgentPage, description: 'My agents, public or not, most recently changed first.' })
  @ApiOperation({ summary: 'List my agents' })
  @ApiQueryErrors()
  listMine(@CurrentUser() user: AuthUser, @Query() query: ListAgentsQuery): Promise<AgentPage> {
    return this.agents.listMine(user, query);
  }

  @Post()
  @ApiCreatedResponse({ type: AgentResponse })
  @ApiOperation({ summary: 'Create an agent' })
  @ApiBodyErrors()
  create(@CurrentUser() user: AuthUser, @Body() body: CreateAgentDto): Promise<AgentResponse> {
    return this.agents.create(user, body);
  }

  @Get(':id')
  @ApiOkResponse({ type: AgentResponse })
  @ApiErrors({ 404: 'Missing, deleted, or not shared with me.' })
  @ApiOperation({ summary: 'Get an agent' })
  @ApiIdParams('id')
  get(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<AgentResponse> {
    return this.agents.get(user, id);
  }

  @Put(':id')
  @ApiOkResponse({ type: AgentResponse })
  @ApiErrors({ 403: 'Visible but not mine (and I am not an admin).' })
  @ApiOperation({ summary: 'Update an agent' })
  @ApiBodyErrors()
  @ApiErrors({ 404: 'Missing, deleted, or private and not mine.' })
  @ApiIdParams('id')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: number,
    @Body() body: UpdateAgentDto,
  ): Promise<AgentResponse> {
    return this.agents.update(user, id, body);
  }

  @Get(':id/search')
  @ApiOkResponse({ type: SearchResponse, description: "What retrieval finds in the agent's documents (owner or admin)." })
  @ApiOperation({ summary: 'Search an agent\'s documents' })
  @ApiQueryErrors()
  @ApiErrors({ 403: 'Not the owner (nor an admin).', 404: 'Missing, deleted, or private and not mine.' })
  @ApiIdParams('id')
  search(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Query() query: SearchQuery): Promise<SearchResponse> {
    return this.agents.search(user, id, query);
  }

  @Get(':id/memories')
  @ApiOkResponse({ type: MemoryPage, description: 'What this agent learnt about me (agents with learn_from_interaction), newest first.' })
  @ApiOperation({ summary: 'List what an agent remembers about me' })
  @ApiQueryErrors()
  @ApiErrors({ 404: 'Missing, deleted, or private and not mine.' })
  @ApiIdParams('id')
  listMemories(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Query() query: ListMemoriesQuery): Promise<MemoryPage> {
    return this.agents.listMemories(user, id, query);
  }

  @Delete(':id/memories')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'All my memories with this agent are forgotten.' })
  @ApiOperation({ summary: 'Forget everything an agent remembers about me' })
  @ApiErrors({ 404: 'Missing, deleted, or private and not mine.' })
  @ApiIdParams('id')
  forgetAll(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.agents.forget(user, id);
  }

  @Delete(':id/memories/:memoryId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Forgotten.' })
  @ApiOperation({ summary: 'Forget one memory' })
  @ApiErrors({ 404: 'Agent or memory missing, or not mine.' })
  @ApiIdParams('id', 'memoryId')
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
  @ApiErrors(403)
  @ApiOperation({ summary: 'Delete an agent' })
  @ApiErrors({ 404: 'Missing, deleted, or private and not mine.' })
  @ApiIdParams('id')
  remove(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.agents.remove(user, id);
  }
}
