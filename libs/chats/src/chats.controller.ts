import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, IdPipe } from '#common';
import { SearchQuery, SearchResponse } from '#retrieval';
import { ChatPage, ChatResponse } from './chat.presenter';
import { ChatsService } from './chats.service';
import { CreateChatDto, ListChatsQuery, UpdateChatDto } from './dto/chat.dto';
import type { AuthUser } from '#auth';

@ApiTags('chats')
@Authenticated()
@ApiNotFoundResponse({ description: 'Missing or not mine (chats are private, admins included).' })
@Controller('chats')
export class ChatsController {
  constructor(private readonly chats: ChatsService) {}

  @Post()
  @ApiCreatedResponse({ type: ChatResponse, description: 'The agent must be visible to me.' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateChatDto): Promise<ChatResponse> {
    return this.chats.create(user, body);
  }

  @Get()
  @ApiOkResponse({ type: ChatPage, description: 'My chats, most recent activity first.' })
  list(@CurrentUser() user: AuthUser, @Query() query: ListChatsQuery): Promise<ChatPage> {
    return this.chats.list(user, query);
  }

  @Get(':id/search')
  @ApiOkResponse({ type: SearchResponse, description: "What retrieval finds in this chat's and its agent's documents." })
  search(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Query() query: SearchQuery): Promise<SearchResponse> {
    return this.chats.search(user, id, query);
  }

  @Put(':id')
  @ApiOkResponse({ type: ChatResponse })
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
  remove(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.chats.remove(user, id);
  }
}
