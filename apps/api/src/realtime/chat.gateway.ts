import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { API_KEYS_ONLY_ON_V1, isApiKeyToken } from '#api-keys';
import { toSocketRefusal, UnauthorizedError } from '#common';
import { AccessTokens } from '#auth';
import type { AuthUser } from '#auth';
import { MessagesService } from '#messages';
import { rooms } from '#realtime';
import type { ClientEventName } from '#realtime';
import { ChatRooms } from './chat-rooms';
import type { ChatServer, ChatSocket } from './chat-socket';
import { SocketAcks } from './socket-acks';
import { SocketConnections } from './socket-connections';
import { booleanField, idField, optionalSeq, sendMessageOf } from './socket-payloads';
import { SocketRelay } from './socket-relay';

/** A handler of a client event of #realtime's map (a misspelt name does not compile). */
const OnClientEvent = (name: ClientEventName) => SubscribeMessage(name);

/** The token as a browser client sends it (`auth.token`), or a Bearer header; never from the URL (it would end up in logs). */
function tokenOf(socket: ChatSocket): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string') return auth.token.replace(/^Bearer\s+/i, '');
  const header = socket.handshake.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/**
 * Realtime chat over Socket.IO: authenticates the handshake, puts the socket
 * in its user's and session's rooms, and hands each client event to its
 * service. The rules live in those services (SocketConnections, ChatRooms, MessagesService).
 */
@WebSocketGateway()
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('ChatGateway');

  constructor(
    private readonly tokens: AccessTokens,
    private readonly connections: SocketConnections,
    private readonly relay: SocketRelay,
    private readonly chatRooms: ChatRooms,
    private readonly messages: MessagesService,
    private readonly acks: SocketAcks,
  ) {}

  afterInit(server: ChatServer): void {
    server.use((socket, next) => {
      this.admit(socket).then(
        () => next(),
        (error: unknown) => next(toSocketRefusal(error, (unexpected) => this.logger.error({ err: unexpected }, 'Socket handshake failed'))),
      );
    });
    this.relay.attach(server);
    this.connections.watch(server);
  }

  async handleConnection(socket: ChatSocket): Promise<void> {
    this.connections.opened(socket);
    const { user } = socket.data;
    await socket.join([rooms.user(user.id), rooms.session(user.session_id)]);
    socket.emit('connected', { sid: socket.id });
  }

  handleDisconnect(socket: ChatSocket): void {
    this.connections.closed(socket);
  }

  @OnClientEvent('join_chat')
  joinChat(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.acks.run('join_chat', payload, () => this.chatRooms.join(socket, idField(payload, 'chat_id')));
  }

  @OnClientEvent('leave_chat')
  leaveChat(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.acks.run('leave_chat', payload, () => this.chatRooms.leave(socket, idField(payload, 'chat_id')));
  }

  @OnClientEvent('typing')
  typing(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.acks.run('typing', payload, () =>
      this.chatRooms.typing(socket, { chat_id: idField(payload, 'chat_id'), is_typing: booleanField(payload, 'is_typing') }),
    );
  }

  @OnClientEvent('send_message')
  sendMessage(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.acks.run('send_message', payload, async () => {
      const { body, key } = await sendMessageOf(payload);
      return this.messages.send(socket.data.user, { ...body, stream: true }, key);
    });
  }

  @OnClientEvent('stop_generation')
  stopGeneration(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.acks.run('stop_generation', payload, async () => ({
      message: await this.messages.stop(socket.data.user, idField(payload, 'message_id')),
    }));
  }

  @OnClientEvent('resume')
  resume(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.acks.run('resume', payload, () =>
      this.chatRooms.resume(socket, { chat_id: idField(payload, 'chat_id'), after_seq: optionalSeq(payload, 'after_seq') }),
    );
  }

  /** Authenticates the handshake, then takes one of the user's socket slots. */
  private async admit(socket: ChatSocket): Promise<void> {
    const token = tokenOf(socket);
    if (!token) throw new UnauthorizedError('Authentication required: send the access token in auth.token');
    if (isApiKeyToken(token)) throw new UnauthorizedError(API_KEYS_ONLY_ON_V1);
    const user: AuthUser = await this.tokens.verify(token).catch((error: unknown) => {
      throw error instanceof UnauthorizedError ? new UnauthorizedError('Invalid, expired or revoked token') : error;
    });
    await this.connections.admit(socket, user);
  }
}
