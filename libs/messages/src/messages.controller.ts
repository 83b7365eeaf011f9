import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { MediaTypeObject } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, CurrentUser, IdPipe, ApiErrors, ApiBodyErrors, ApiQueryErrors, ApiIdParams } from '#common';
import { ApiTicketIssued, ApiTicketQuery, UrlTicketResponse, UrlTickets } from '#sessions';
import { ChatsService } from '#chats';
import { EditMessageDto, ListMessagesQuery, MessagePage, SendMessageDto, SendMessageResponse } from './dto/message.dto';
import { AnswerStreamService, SSE_RETRY_MS } from './generation/answer-stream.service';
import { SseDoneEvent, SseErrorEvent, SseFrame, SseTokenEvent } from './dto/sse-events.dto';
import { IdempotencyKey } from './idempotency-key';
import { LastEventId } from './last-event-id';
import type { ResumePoint } from './last-event-id';
import { MessageResponse } from './message.presenter';
import { MessagesService } from './messages.service';
import type { AuthUser } from '#auth';
import { IDEMPOTENCY_WINDOW_HOURS } from '#database';

@ApiTags('messages')
@Authenticated()
@ApiErrors({ 404: 'Chat or message missing or not mine.' })
@Controller('messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly stream: AnswerStreamService,
    private readonly chats: ChatsService,
    private readonly tickets: UrlTickets,
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
  @ApiErrors({ 429: 'Send rate or concurrent answers exceeded (Retry-After).' })
  @ApiErrors({ 503: 'No provider configured, or (stream: false) the provider failed or the server restarted.' })
  @ApiOperation({ summary: 'Send a message and start its answer' })
  @ApiBodyErrors()
  @ApiErrors({ 409: "The chat's agent was deleted (read-only chat), or the Idempotency-Key was used for other content." })
  send(
    @CurrentUser() user: AuthUser,
    @Body() body: SendMessageDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
  ): Promise<SendMessageResponse> {
    return this.messages.send(user, body, idempotencyKey);
  }

  @Post('stream/:chatId/ticket')
  @ApiTicketIssued("Get a ticket URL for EventSource on a chat's answer stream", "`EventSource` on this chat's answer stream")
  @ApiIdParams('chatId')
  async streamTicket(@CurrentUser() user: AuthUser, @Param('chatId', IdPipe) chatId: number): Promise<UrlTicketResponse> {
    await this.chats.findOwn(user, chatId);
    return this.tickets.issueUrl(user, 'chat-stream', chatId, `/api/messages/stream/${chatId}`);
  }

  @Get('stream/:chatId')
  @Authenticated({ ticket: { purpose: 'chat-stream', param: 'chatId' } })
  @ApiExtraModels(SseFrame, SseTokenEvent, SseDoneEvent, SseErrorEvent)
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    schema: { type: 'string', pattern: '^(\\d+:)?\\d+$' },
    description: 'Resume after this event: the `id` of the last event received, `<message_id>:<seq>` (EventSource sends it on reconnection).',
  })
  @ApiQuery({
    name: 'last_event_id',
    required: false,
    schema: { type: 'string', pattern: '^(\\d+:)?\\d+$', example: '42:17' },
    description: 'Same as the Last-Event-ID header (`<message_id>:<seq>`, or a bare seq), for clients that cannot set it.',
  })
  @ApiTicketQuery('POST /api/messages/stream/{chatId}/ticket')
  @ApiOperation({ summary: "Follow a chat's answer as Server-Sent Events" })
  @ApiOkResponse({
    description: [
      'Server-Sent Events. The stream starts with `retry: ' + String(SSE_RETRY_MS) + '` (reconnection delay, ms). Every event has',
      '`id: <message_id>:<seq>` (send it back as Last-Event-ID to resume), an `event:` name and JSON `data`:',
      '`token` (SseTokenEvent: tokens first_seq..seq, in order), then exactly one of `done` (SseDoneEvent: the final message)',
      'or `error` (SseErrorEvent: the answer failed or was interrupted; `message` holds what was kept). The server closes',
      'the stream after `done`/`error`: close the EventSource then. Comment lines (`: ping`) keep the connection alive.',
    ].join(' '),
    content: {
      // OpenAPI 3.1 has no schema for a sequence of events: each frame is an SseFrame (`x-sse-frame`).
      'text/event-stream': {
        'x-sse-frame': { $ref: getSchemaPath(SseFrame) },
        schema: {
          type: 'string',
          description: 'SSE frames: `retry: <ms>`, then blocks of `id: <message_id>:<seq>` / `event: token|done|error` / `data: <json>`.',
          example: 'retry: 3000\n\nid: 42:1\nevent: token\ndata: {"message_id":42,"first_seq":1,"seq":1,"delta":"Hel"}\n\nid: 42:2\nevent: done\ndata: {"id":42,"status":"complete"}\n\n',
        },
        examples: {
          token: { summary: 'event: token (data: SseTokenEvent)', value: 'id: 42:1\nevent: token\ndata: {"message_id":42,"first_seq":1,"seq":1,"delta":"Hel"}\n\n' },
          done: { summary: 'event: done (data: SseDoneEvent, the message)', value: 'id: 42:9\nevent: done\ndata: {"id":42,"chat_id":7,"role":"assistant","status":"complete"}\n\n' },
          error: { summary: 'event: error (data: SseErrorEvent)', value: 'id: 42:9\nevent: error\ndata: {"message_id":42,"detail":"The model failed","message":{"id":42,"status":"failed"}}\n\n' },
        },
      } as MediaTypeObject,
    },
  })
  @ApiNoContentResponse({ description: 'No answer to send (none yet, or the client already has all of it): EventSource stops, no reconnection loop.' })
  @ApiErrors({ 401: 'No valid bearer token, and no valid ticket for this chat (missing, expired, tampered, other purpose or chat, session revoked).' })
  @ApiErrors({ 429: 'This user already holds MAX_STREAMS_PER_USER streams open on this server.' })
  @ApiErrors({ 422: 'Last-Event-ID (or last_event_id) is not `<message_id>:<seq>`.' })
  @ApiIdParams('chatId')
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
  @ApiOperation({ summary: 'Page through a chat\'s messages' })
  @ApiQueryErrors()
  @ApiIdParams('chatId')
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
  @ApiOperation({ summary: 'Stop an answer' })
  @ApiErrors({ 409: 'Not an answer.' })
  @ApiIdParams('id')
  stop(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<MessageResponse> {
    return this.messages.stop(user, id);
  }

  @Post(':id/edit')
  @ApiCreatedResponse({
    type: SendMessageResponse,
    description: 'The edited question (a new sibling of the original: same parent) and its answer, now the active leaf; the original stays on its branch.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: `As for a send: a repeat with the same key in the same chat within ${IDEMPOTENCY_WINDOW_HOURS} h returns the first edit's exchange.`,
  })
  @ApiOperation({ summary: 'Edit a question: a new branch, answered' })
  @ApiBodyErrors()
  @ApiErrors({
    409: "Not a user message, the chat's agent was deleted, or the Idempotency-Key was used for other content.",
    429: 'Send rate or concurrent answers exceeded (Retry-After).',
    503: 'No provider configured, or (stream: false) the provider failed.',
  })
  @ApiIdParams('id')
  edit(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: number,
    @Body() body: EditMessageDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
  ): Promise<SendMessageResponse> {
    return this.messages.edit(user, id, body, idempotencyKey);
  }

  @Post(':id/regenerate')
  @ApiCreatedResponse({
    type: MessageResponse,
    description: "A new answer (`streaming`) to the same question, a sibling of the others, with the question's images and the chat's current model options; it becomes the active leaf.",
  })
  @ApiOperation({ summary: 'Regenerate an answer' })
  @ApiErrors({ 409: 'Not an answer to a user message, or the agent was deleted.', 429: 'Too many answers in progress (Retry-After).', 503: 'No provider configured.' })
  @ApiIdParams('id')
  regenerate(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<MessageResponse> {
    return this.messages.regenerate(user, id);
  }
}
