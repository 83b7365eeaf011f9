import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ChatsModule } from '../chats/chats.module';
import { MessagesModule } from '../messages/messages.module';
import { ChatGateway } from './chat.gateway';
import { socketSlotsProvider } from './socket-slots';

@Module({
  imports: [AuthModule, ChatsModule, MessagesModule],
  providers: [ChatGateway, socketSlotsProvider],
})
export class RealtimeModule {}
