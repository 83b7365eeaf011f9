import { Module } from '@nestjs/common';
import { MessageIndexJob } from './message-index.job';
import { MessageSearchService } from './message-search.service';
import { SearchController } from './search.controller';

/** GET /api/search over a user's chats, and the job that indexes messages written without their full text. */
@Module({
  controllers: [SearchController],
  providers: [MessageSearchService, MessageIndexJob],
  exports: [MessageSearchService],
})
export class SearchModule {}
