import { Module } from '@nestjs/common';
import { AuthModule } from '#auth';
import { ChatsModule } from '#chats';
import { MessagesModule } from '#messages';
import { RealtimeModule } from '#realtime';
import { SessionsModule } from '#sessions';
import { ChatGateway } from './chat.gateway';
import { ChatRooms } from './chat-rooms';
import { SocketAcks } from './socket-acks';
import { SocketConnections } from './socket-connections';
import { SocketRelay } from './socket-relay';
import { socketSlotsProvider } from './socket-slots';

/** The Socket.IO gateway and its collaborators; what it relays is published through #realtime. */
@Module({
  imports: [AuthModule, SessionsModule, ChatsModule, MessagesModule, RealtimeModule],
  providers: [ChatGateway, ChatRooms, SocketAcks, SocketConnections, SocketRelay, socketSlotsProvider],
})
export class SocketGatewayModule {}
