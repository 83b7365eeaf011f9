import { Module } from '@nestjs/common';
import { AdminFeedbackController } from './admin/admin-feedback.controller';
import { AdminFeedbackService } from './admin/admin-feedback.service';
import { FeedbackController } from './feedback.controller';
import { FeedbackService } from './feedback.service';

/** Thumbs up/down on answers (PUT/GET/DELETE /api/messages/:id/feedback) and the admins' reads; the repository comes from DatabaseModule. */
@Module({
  controllers: [FeedbackController, AdminFeedbackController],
  providers: [FeedbackService, AdminFeedbackService],
})
export class FeedbackModule {}
