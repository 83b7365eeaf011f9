import { Module } from '@nestjs/common';
import { AgentsModule } from '#agents';
import { ChatsModule } from '#chats';
import { SharedController } from './shared.controller';
import { SharesController } from './shares.controller';
import { SharingService } from './sharing.service';

// Repositories come from the global DatabaseModule, the rate limiter from the global RateLimitModule.
@Module({
  imports: [AgentsModule, ChatsModule],
  controllers: [SharesController, SharedController],
  providers: [SharingService],
})
export class SharingModule {}
