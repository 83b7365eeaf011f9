import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, IdPipe, ApiErrors, ApiBodyErrors, ApiQueryErrors, ApiIdParams } from '#common';
import { SearchQuery, SearchResponse } from '#retrieval';
import { ChatPage, ChatResponse } from './chat.presenter';
import { BulkChatsResponse, ChatTagsResponse } from './chat-organising.presenter';
import { ChatsService } from './chats.service';
import { BulkChatsDto, CreateChatDto, ListChatsQuery, PatchChatDto, UpdateChatDto } from './dto/chat.dto';
import type { AuthUser } from '#auth';

@ApiTags('chats')
@Authenticated()
@ApiErrors({ 404: 'Missing or not mine (chats are private, admins included).' })
@Controller('chats')
export class ChatsController {
  constructor(private readonly chats: ChatsService) {}

  @Post()
  @ApiCreatedResponse({ type: ChatResponse, description: 'The agent must be visible to me.' })
  @ApiOperation({ summary: 'Start a chat with an agent' })
  @ApiBodyErrors()
  create(@CurrentUser() user: AuthUser, @Body() body: CreateChatDto): Promise<ChatResponse> {
    return this.chats.create(user, body);
  }

  @Get()
  @ApiOkResponse({
    type: ChatPage,
    description: 'My chats, most recent activity first (pinned ones are not hoisted: ask `pinned=true` for them); archived ones only when asked.',
  })
  @ApiOperation({ summary: 'List my chats' })
  @ApiQueryErrors()
  list(@CurrentUser() user: AuthUser, @Query() query: ListChatsQuery): Promise<ChatPage> {
    return this.chats.list(user, query);
  }

  // Before the `:id` routes.
  @Get('tags')
  @ApiOkResponse({ type: ChatTagsResponse, description: 'Every tag on my chats, with how many carry it.' })
  @ApiOperation({ summary: 'List my chat tags' })
  tags(@CurrentUser() user: AuthUser): Promise<ChatTagsResponse> {
    return this.chats.tags(user);
  }

  @Post('bulk')
  @HttpCode(200)
  @ApiOkResponse({ type: BulkChatsResponse, description: 'Applied, in one transaction, to those of the ids that are my chats.' })
  @ApiOperation({ summary: 'Archive, unarchive, pin, unpin or delete several chats' })
  @ApiBodyErrors()
  bulk(@CurrentUser() user: AuthUser, @Body() body: BulkChatsDto): Promise<BulkChatsResponse> {
    return this.chats.bulk(user, body);
  }

  @Get(':id/search')
  @ApiOkResponse({ type: SearchResponse, description: "What retrieval finds in this chat's and its agent's documents." })
  @ApiOperation({ summary: 'Search a chat\'s documents' })
  @ApiQueryErrors()
  @ApiIdParams('id')
  search(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Query() query: SearchQuery): Promise<SearchResponse> {
    return this.chats.search(user, id, query);
  }

  @Put(':id')
  @ApiOkResponse({ type: ChatResponse })
  @ApiOperation({ summary: 'Rename a chat' })
  @ApiBodyErrors()
  @ApiIdParams('id')
  rename(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: number,
    @Body() body: UpdateChatDto,
  ): Promise<ChatResponse> {
    return this.chats.rename(user, id, body);
  }

  @Patch(':id')
  @ApiOkResponse({ type: ChatResponse })
  @ApiOperation({ summary: 'Rename, pin, archive or tag a chat, or change its model options' })
  @ApiBodyErrors()
  @ApiIdParams('id')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: number,
    @Body() body: PatchChatDto,
  ): Promise<ChatResponse> {
    return this.chats.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted with its messages and documents (files too).' })
  @ApiOperation({ summary: 'Delete a chat' })
  @ApiIdParams('id')
  remove(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.chats.remove(user, id);
  }
}
