import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
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
import { Authenticated, CurrentUser, IdPipe } from '#common';
import { ListMessagesQuery, MessagePage, SendMessageDto, SendMessageResponse } from './dto/message.dto';
import { AnswerStreamService } from './generation/answer-stream.service';
import { IdempotencyKey } from './idempotency-key';
import { LastEventId } from './last-event-id';
import type { ResumePoint } from './last-event-id';
import { MessageResponse } from './message.presenter';
import { MessagesService } from './messages.service';
import type { AuthUser } from '#auth';
import { IDEMPOTENCY_WINDOW_HOURS } from '#database';

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
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: `Makes a retried send safe: a repeat with the same key in the same chat within ${IDEMPOTENCY_WINDOW_HOURS} h stores nothing and returns the exchange the first one stored (same ids; the answer as it stands now). Reusing a key for other content is 409.`,
  })
  @ApiTooManyRequestsResponse({ description: 'Send rate or concurrent answers exceeded (Retry-After).' })
  @ApiServiceUnavailableResponse({ description: 'No provider configured, or (stream: false) the provider failed or the server restarted.' })
  send(
    @CurrentUser() user: AuthUser,
    @Body() body: SendMessageDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
  ): Promise<SendMessageResponse> {
    return this.messages.send(user, body, idempotencyKey);
  }

  @Get('stream/:chatId')
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event (`<message_id>:<seq>`).' })
  @ApiQuery({ name: 'last_event_id', required: false, description: 'Same as the Last-Event-ID header, for clients that cannot set it.' })
  @ApiOkResponse({ description: 'SSE: `token` {message_id, seq, delta}, then `done` (the message) or `error` (failed or interrupted).' })
  @ApiTooManyRequestsResponse({ description: 'This user already holds MAX_STREAMS_PER_USER streams open on this server.' })
  async follow(
    @CurrentUser() user: AuthUser,
    @Param('chatId', IdPipe) chatId: number,
    @LastEventId() resume: ResumePoint | undefined,
    @Res() response: Response,
  ): Promise<void> {
    await this.stream.follow(user, chatId, resume, response);
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
