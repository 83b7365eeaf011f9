import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { IdPipe } from '../../../../libs/common/src';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../sessions/sessions.service';
import { ListMessagesQuery, MessagePage, SendMessageDto, SendMessageResponse } from './dto/message.dto';
import { AnswerStreamService } from './generation/answer-stream.service';
import { MessageResponse } from './message.presenter';
import { MessagesService } from './messages.service';

@ApiTags('messages')
@Authenticated()
@ApiNotFoundResponse({ description: 'Chat or message missing or not mine.' })
@Controller('messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly stream: AnswerStreamService,
  ) {}

  @Post()
  @ApiCreatedResponse({
    type: SendMessageResponse,
    description: 'Both messages are stored; the answer is generated on the server (`streaming`), or complete with `stream: false`.',
  })
  @ApiTooManyRequestsResponse({ description: 'Send rate or concurrent answers exceeded (Retry-After).' })
  @ApiServiceUnavailableResponse({ description: 'No provider configured, or (stream: false) the provider failed.' })
  send(@CurrentUser() user: AuthUser, @Body() body: SendMessageDto): Promise<SendMessageResponse> {
    return this.messages.send(user, body);
  }

  @Get('stream/:chatId')
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event (`<message_id>:<seq>`).' })
  @ApiQuery({ name: 'last_event_id', required: false, description: 'Same as the Last-Event-ID header, for clients that cannot set it.' })
  @ApiOkResponse({ description: 'SSE: `token` {message_id, seq, delta}, then `done` (the message) or `error`.' })
  async follow(
    @CurrentUser() user: AuthUser,
    @Param('chatId', IdPipe) chatId: number,
    @Headers('last-event-id') header: string | undefined,
    @Query('last_event_id') query: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    await this.stream.follow(user, chatId, header ?? query, response);
  }

  @Get('chat/:chatId')
  @ApiOkResponse({ type: MessagePage })
  list(
    @CurrentUser() user: AuthUser,
    @Param('chatId', IdPipe) chatId: number,
    @Query() query: ListMessagesQuery,
  ): Promise<MessagePage> {
    return this.messages.list(user, chatId, query);
  }

  @Post(':id/stop')
  @HttpCode(200)
  @ApiOkResponse({ type: MessageResponse, description: 'The answer as stopped (its partial text kept).' })
  stop(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<MessageResponse> {
    return this.messages.stop(user, id);
  }

  @Post(':id/regenerate')
  @ApiCreatedResponse({ type: MessageResponse, description: 'A new answer (`streaming`) to the same user message.' })
  regenerate(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<MessageResponse> {
    return this.messages.regenerate(user, id);
  }
}
