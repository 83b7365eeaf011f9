import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, IdPipe, ApiErrors, ApiBodyErrors, ApiQueryErrors, ApiIdParams } from '#common';
import { SearchQuery, SearchResponse } from '#retrieval';
import { ChatPage, ChatResponse } from './chat.presenter';
import { ChatsService } from './chats.service';
import { CreateChatDto, ListChatsQuery, UpdateChatDto } from './dto/chat.dto';
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
  @ApiOkResponse({ type: ChatPage, description: 'My chats, most recent activity first.' })
  @ApiOperation({ summary: 'List my chats' })
  @ApiQueryErrors()
  list(@CurrentUser() user: AuthUser, @Query() query: ListChatsQuery): Promise<ChatPage> {
    return this.chats.list(user, query);
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

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted with its messages and documents (files too).' })
  @ApiOperation({ summary: 'Delete a chat' })
  @ApiIdParams('id')
  remove(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.chats.remove(user, id);
  }
}
