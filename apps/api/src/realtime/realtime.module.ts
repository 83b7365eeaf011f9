import { Module } from '@nestjs/common';
import { AuthModule } from '#auth';
import { ChatsModule } from '#chats';
import { SessionsModule } from '#sessions';
import { MessagesModule } from '#messages';
import { ChatGateway } from './chat.gateway';
import { socketSlotsProvider } from './socket-slots';

@Module({
  imports: [AuthModule, SessionsModule, ChatsModule, MessagesModule],
  providers: [ChatGateway, socketSlotsProvider],
})
export class RealtimeModule {}
