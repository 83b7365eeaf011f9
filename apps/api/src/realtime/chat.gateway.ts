import { Inject, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { AppValidationPipe, UnauthorizedError } from '../../../../libs/common/src';
import { DOCUMENT_STATUS, LocalDocumentStatus } from '../../../../libs/documents/src';
import type { DocumentStatusPublisher } from '../../../../libs/documents/src';
import { AccessTokens } from '../auth/access-tokens';
import { ChatsService } from '../chats/chats.service';
import { SendMessageDto } from '../messages/dto/message.dto';
import { AnswerStreamService } from '../messages/generation/answer-stream.service';
import { ChatEventHub } from '../messages/generation/chat-event-hub';
import type { ChatEvent } from '../messages/generation/chat-event-hub';
import { GENERATION_EVENTS } from '../messages/generation/generation-events';
import type { GenerationEvent, GenerationEvents } from '../messages/generation/generation-events';
import { MessagesService } from '../messages/messages.service';
import { MetricsService } from '../metrics/metrics.service';
import { SessionRevocations } from '../sessions/session-revocations';
import { AuthUser, SessionsService } from '../sessions/sessions.service';
import { ChatFeeds } from './chat-feeds';
import { acknowledge, booleanField, idField, optionalSeq } from './socket-payloads';
import { toSocketEvent } from './socket-events';

const TYPING_INTERVAL_MS = 1000;
// Catches expiry and anything a revocation notice missed.
const SESSION_SWEEP_MS = 30_000;

interface SocketData {
  user: AuthUser;
  typingSentAt: Map<number, { at: number; isTyping: boolean }>;
}

type ChatSocket = Socket & { data: SocketData };

const chatRoom = (chatId: number) => `chat_${chatId}`;
const chatOfRoom = (room: string) => {
  const match = /^chat_(\d+)$/.exec(room);
  return match ? Number(match[1]) : undefined;
};
const userRoom = (userId: number) => `user_${userId}`;
const sessionRoom = (sessionId: string) => `session_${sessionId}`;

/** The token as a browser client sends it (`auth.token`), or a Bearer header, or `?token=`. */
function tokenOf(socket: Socket): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string') return auth.token.replace(/^Bearer\s+/i, '');
  const header = socket.handshake.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7);
  const query = socket.handshake.query.token;
  return typeof query === 'string' ? query : undefined;
}

/**
 * Realtime chat over Socket.IO: authenticated in the handshake, private
 * user rooms, chat rooms the owner joins, typing, and live answers.
 */
@WebSocketGateway()
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationShutdown {
  private readonly logger = new Logger('ChatGateway');
  private readonly validation = new AppValidationPipe();
  private sweep?: NodeJS.Timeout;

  private feeds!: ChatFeeds;

  @WebSocketServer()
  private server!: Server;

  constructor(
    private readonly tokens: AccessTokens,
    private readonly sessions: SessionsService,
    private readonly revocations: SessionRevocations,
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
    private readonly answers: AnswerStreamService,
    private readonly hub: ChatEventHub,
    @Inject(DOCUMENT_STATUS) private readonly documentStatus: DocumentStatusPublisher,
    @Inject(GENERATION_EVENTS) private readonly events: GenerationEvents,
    private readonly metrics: MetricsService,
  ) {}

  afterInit(server: Server): void {
    server.use((socket, next) => {
      const token = tokenOf(socket);
      if (!token) return next(new Error('Authentication required: send the access token in auth.token'));
      this.tokens.verify(token).then(
        (user) => {
          socket.data = { user, typingSentAt: new Map() } satisfies SocketData;
          next();
        },
        (error: unknown) =>
          next(new Error(error instanceof UnauthorizedError ? 'Invalid, expired or revoked token' : 'Authentication failed')),
      );
    });
    this.hub.listen((event) => this.relay(event));
    this.followAnswers(server);
    // With Redis, document progress reaches sockets through the adapter's channel directly.
    if (this.documentStatus instanceof LocalDocumentStatus) {
      this.documentStatus.listen((userId, event) => server.to(userRoom(userId)).emit('document_status', event));
    }
    // With the Redis adapter, this reaches the session's sockets on every instance.
    this.revocations.listen((ids) => {
      for (const id of ids) server.in(sessionRoom(id)).disconnectSockets(true);
    });
    this.sweep = setInterval(() => void this.dropEndedSessions(), SESSION_SWEEP_MS);
    this.sweep.unref();
  }

  async handleConnection(socket: ChatSocket): Promise<void> {
    this.metrics.socketConnected();
    const { user } = socket.data;
    await socket.join([userRoom(user.id), sessionRoom(user.session_id)]);
    socket.emit('connected', { sid: socket.id });
  }

  handleDisconnect(): void {
    this.metrics.socketDisconnected();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }

  @SubscribeMessage('join_chat')
  joinChat(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.ack(async () => {
      const chat = await this.chats.findOwn(socket.data.user, idField(payload, 'chat_id'));
      await socket.join(chatRoom(chat.id));
      await this.feeds.ready(chat.id);
      return { chat_id: chat.id };
    });
  }

  @SubscribeMessage('leave_chat')
  leaveChat(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.ack(async () => {
      const chatId = idField(payload, 'chat_id');
      await socket.leave(chatRoom(chatId));
      return { chat_id: chatId };
    });
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.ack(async () => {
      const chatId = idField(payload, 'chat_id');
      const isTyping = booleanField(payload, 'is_typing');
      if (!socket.rooms.has(chatRoom(chatId))) return { sent: false };
      const last = socket.data.typingSentAt.get(chatId);
      const now = Date.now();
      // Throttled per socket: a repeat of the same state within a second is dropped.
      if (last && last.isTyping === isTyping && now - last.at < TYPING_INTERVAL_MS) return { sent: false };
      socket.data.typingSentAt.set(chatId, { at: now, isTyping });
      const { user } = socket.data;
      socket.to(chatRoom(chatId)).emit('user_typing', {
        chat_id: chatId,
        user_id: user.id,
        trigramme: user.trigramme,
        is_typing: isTyping,
      });
      return { sent: true };
    });
  }

  @SubscribeMessage('send_message')
  sendMessage(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.ack(async () => {
      const body = (await this.validation.transform(payload, { type: 'body', metatype: SendMessageDto })) as SendMessageDto;
      return this.messages.send(socket.data.user, { ...body, stream: true });
    });
  }

  @SubscribeMessage('stop_generation')
  stopGeneration(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.ack(async () => ({ message: await this.messages.stop(socket.data.user, idField(payload, 'message_id')) }));
  }

  /** Joins the chat and replays its in-flight answer after `after_seq` to this socket; live events follow in the room. */
  @SubscribeMessage('resume')
  resume(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.ack(async () => {
      const chatId = idField(payload, 'chat_id');
      const afterSeq = optionalSeq(payload, 'after_seq');
      const chat = await this.chats.findOwn(socket.data.user, chatId);
      await socket.join(chatRoom(chat.id));
      await this.feeds.ready(chat.id);
      const replay = await this.answers.replay(chat.id, afterSeq);
      for (const event of replay.events) {
        const out = toSocketEvent(event);
        if (out) socket.emit(out.name, out.payload);
      }
      return { message_id: replay.messageId, replayed: replay.events.length };
    });
  }

  /** New messages, from this instance to the room on every instance (through the adapter). */
  private relay(event: ChatEvent): void {
    const out = toSocketEvent(event);
    if (out) this.server.to(chatRoom(event.chat_id)).emit(out.name, out.payload);
  }

  /** Answers reach each instance through the chat's feed; each relays them to its own sockets. */
  private followAnswers(server: Server): void {
    this.feeds = new ChatFeeds(this.events, (event: GenerationEvent) => {
      const out = toSocketEvent(event);
      if (out) this.server.local.to(chatRoom(event.chat_id)).emit(out.name, out.payload);
    });
    const rooms = server.sockets.adapter;
    rooms.on('create-room', (room: string) => {
      const chatId = chatOfRoom(room);
      if (chatId !== undefined) this.feeds.start(chatId);
    });
    rooms.on('delete-room', (room: string) => {
      const chatId = chatOfRoom(room);
      if (chatId !== undefined) this.feeds.stop(chatId);
    });
  }

  private async dropEndedSessions(): Promise<void> {
    const sockets = await this.server.local.fetchSockets();
    for (const socket of sockets) {
      const user = (socket.data as SocketData | undefined)?.user;
      if (user && !(await this.sessions.authenticate(user.session_id))) socket.disconnect(true);
    }
  }

  private ack<T extends object>(work: () => Promise<T>) {
    return acknowledge(work, (error) => this.logger.error({ err: error }, 'Socket handler failed'));
  }
}
