import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, IdPipe, ApiErrors, ApiQueryErrors, ApiIdParams } from '#common';
import type { AuthUser } from '#auth';
import { ChatWithMessages } from './chat-history.presenter';
import { ChatMessagesQuery } from './dto/message.dto';
import { MessagesService } from './messages.service';

/** GET /chats/:id: the chat with its latest messages (served here because messages depend on chats, not the reverse). */
@ApiTags('chats')
@Authenticated()
@ApiErrors({ 404: 'Missing or not mine (chats are private, admins included).' })
@Controller('chats')
export class ChatHistoryController {
  constructor(private readonly messages: MessagesService) {}

  @Get(':id')
  @ApiOkResponse({ type: ChatWithMessages })
  @ApiOperation({ summary: 'Open a chat: the chat and its latest messages' })
  @ApiQueryErrors()
  @ApiIdParams('id')
  get(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Query() query: ChatMessagesQuery): Promise<ChatWithMessages> {
    return this.messages.chatWithMessages(user, id, query);
  }
}
