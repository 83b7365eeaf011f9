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
import { AppValidationPipe, asAppException, TooManyRequestsError, UnauthorizedError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { DOCUMENT_STATUS, LocalDocumentStatus } from '#documents';
import type { DocumentStatusPublisher } from '#documents';
import { AccessTokens } from '#auth';
import { ChatsService } from '#chats';
import { SendMessageDto } from '#messages';
import { AnswerStreamService } from '#messages';
import { ChatEventHub } from '#messages';
import type { ChatEvent } from '#messages';
import { GENERATION_EVENTS } from '#messages';
import type { GenerationEvent, GenerationEvents } from '#messages';
import { MessagesService } from '#messages';
import { MetricsService } from '#health';
import { SessionRevocations } from '#sessions';
import { SessionsService } from '#sessions';
import { ChatFeeds } from './chat-feeds';
import { SOCKET_LEASE_MS, SOCKET_SLOTS } from './socket-slots';
import type { SocketHolder, SocketSlots } from './socket-slots';
import { acknowledge, booleanField, checkPayloadShape, idField, optionalSeq, takeIdempotencyKey } from './socket-payloads';
import { toSocketEvent } from './socket-events';
import type { AuthUser } from '#auth';

const TYPING_INTERVAL_MS = 1000;
// Catches anything a revocation notice missed, and renews the sockets' slots well within their lease.
const SESSION_SWEEP_MS = SOCKET_LEASE_MS / 3;
// setTimeout's longest delay: a session ending later re-arms its timer.
const MAX_TIMER_MS = 2 ** 31 - 1;

interface SocketData {
  user: AuthUser;
  typingSentAt: Map<number, { at: number; isTyping: boolean }>;
  expiry?: NodeJS.Timeout;
}

type ChatSocket = Socket & { data: SocketData };

const chatRoom = (chatId: number) => `chat_${chatId}`;
const chatOfRoom = (room: string) => {
  const match = /^chat_(\d+)$/.exec(room);
  return match ? Number(match[1]) : undefined;
};
const userRoom = (userId: number) => `user_${userId}`;
const holderOf = (socket: { id: string; data: unknown }): SocketHolder => ({ userId: (socket.data as SocketData).user.id, socketId: socket.id });
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
    @Inject(SOCKET_SLOTS) private readonly slots: SocketSlots,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(server: Server): void {
    server.use((socket, next) => {
      this.admit(socket as ChatSocket).then(
        () => next(),
        (error: unknown) => next(this.refusal(error)),
      );
    });
    this.hub.listen((event) => this.relay(event));
    this.followAnswers(server);
    // With Redis, document progress reaches sockets through the adapter's channel directly.
    if (this.documentStatus instanceof LocalDocumentStatus) {
      this.documentStatus.listen((userId, event) => server.to(userRoom(userId)).emit('document_status', event));
    }
    this.revocations.listen((ids) => {
      for (const id of ids) {
        // Here at once, even while Redis cannot carry the notice; through the adapter, on every other instance.
        server.local.in(sessionRoom(id)).disconnectSockets(true);
        server.in(sessionRoom(id)).disconnectSockets(true);
      }
    });
    this.sweep = setInterval(() => this.sweepSockets(), SESSION_SWEEP_MS);
    this.sweep.unref();
  }

  async handleConnection(socket: ChatSocket): Promise<void> {
    this.metrics.socketConnected();
    const { user } = socket.data;
    this.closeAtExpiry(socket, user.session_expires_at);
    await socket.join([userRoom(user.id), sessionRoom(user.session_id)]);
    socket.emit('connected', { sid: socket.id });
  }

  handleDisconnect(socket: ChatSocket): void {
    this.metrics.socketDisconnected();
    clearTimeout(socket.data.expiry);
    this.slots
      .release(holderOf(socket))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'Could not release a socket slot; its lease will lapse'));
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }

  @SubscribeMessage('join_chat')
  joinChat(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.ack(payload, async () => {
      const chat = await this.chats.findOwn(socket.data.user, idField(payload, 'chat_id'));
      await socket.join(chatRoom(chat.id));
      await this.feeds.ready(chat.id);
      return { chat_id: chat.id };
    });
  }

  @SubscribeMessage('leave_chat')
  leaveChat(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.ack(payload, async () => {
      const chatId = idField(payload, 'chat_id');
      await socket.leave(chatRoom(chatId));
      return { chat_id: chatId };
    });
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.ack(payload, async () => {
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
    return this.ack(payload, async () => {
      const { key, rest } = takeIdempotencyKey(payload, 'idempotency_key');
      const body = (await this.validation.transform(rest, { type: 'body', metatype: SendMessageDto })) as SendMessageDto;
      return this.messages.send(socket.data.user, { ...body, stream: true }, key);
    });
  }

  @SubscribeMessage('stop_generation')
  stopGeneration(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.ack(payload, async () => ({ message: await this.messages.stop(socket.data.user, idField(payload, 'message_id')) }));
  }

  /** Joins the chat and replays its in-flight answer after `after_seq` to this socket; live events follow in the room. */
  @SubscribeMessage('resume')
  resume(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.ack(payload, async () => {
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

  /** Authenticates the handshake, then takes one of the user's socket slots. */
  private async admit(socket: ChatSocket): Promise<void> {
    const token = tokenOf(socket);
    if (!token) throw new UnauthorizedError('Authentication required: send the access token in auth.token');
    const user = await this.tokens.verify(token).catch((error: unknown) => {
      throw error instanceof UnauthorizedError ? new UnauthorizedError('Invalid, expired or revoked token') : error;
    });
    if (!(await this.slots.acquire({ userId: user.id, socketId: socket.id }))) {
      const max = this.config.limits.socketsPerUser;
      throw new TooManyRequestsError(SESSION_SWEEP_MS / 1000, `Too many open connections: at most ${max} per user; close another tab or connection`);
    }
    socket.data = { user, typingSentAt: new Map() } satisfies SocketData;
  }

  /** What a refused client reads in connect_error: the reason, and its HTTP-like status in `data`. */
  private refusal(error: unknown): Error {
    const known = asAppException(error);
    if (known) return Object.assign(new Error(String(known.detail)), { data: { status: known.statusCode } });
    this.logger.error({ err: error }, 'Socket handshake failed');
    return new Error('Authentication failed');
  }

  /** Disconnects the socket when its session ends, not at the next sweep. */
  private closeAtExpiry(socket: ChatSocket, expiresAt: number): void {
    const remaining = expiresAt - Date.now();
    socket.data.expiry = setTimeout(
      () => (remaining > MAX_TIMER_MS ? this.closeAtExpiry(socket, expiresAt) : socket.disconnect(true)),
      Math.min(Math.max(remaining, 0), MAX_TIMER_MS),
    );
    socket.data.expiry.unref();
  }

  private sweepSockets(): void {
    this.renewAndCheck().catch((error: unknown) => this.logger.warn({ err: error }, 'Socket sweep failed; the next one retries'));
  }

  private async renewAndCheck(): Promise<void> {
    const sockets = (await this.server.local.fetchSockets()).filter((socket) => (socket.data as SocketData | undefined)?.user);
    await this.slots.renew(sockets.map(holderOf));
    for (const socket of sockets) {
      if (!(await this.sessions.authenticate((socket.data as SocketData).user.session_id))) socket.disconnect(true);
    }
  }

  /** Every event's payload is shape-checked first, so no handler walks a hostile one. */
  private ack<T extends object>(payload: unknown, work: () => Promise<T>) {
    const checked = async () => {
      checkPayloadShape(payload, this.config.limits.bodyShape);
      return work();
    };
    return acknowledge(checked, (error) => this.logger.error({ err: error }, 'Socket handler failed'));
  }
}
