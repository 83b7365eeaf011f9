import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { DocumentStorageModule } from '../documents/document-storage.module';
import { ChatsController } from './chats.controller';
import { ChatsService } from './chats.service';

@Module({
  imports: [AgentsModule, DocumentStorageModule],
  controllers: [ChatsController],
  providers: [ChatsService],
  exports: [ChatsService],
})
export class ChatsModule {}
