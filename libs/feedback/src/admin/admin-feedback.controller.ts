import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiQueryErrors, Authenticated } from '#common';
import { AdminFeedbackPage, FeedbackSummary, FeedbackSummaryQuery, ListFeedbackQuery } from './admin-feedback.dto';
import { AdminFeedbackService } from './admin-feedback.service';

@ApiTags('admin')
@Authenticated({ admin: true })
@Controller('admin/feedback')
export class AdminFeedbackController {
  constructor(private readonly feedback: AdminFeedbackService) {}

  @Get()
  @ApiOkResponse({ type: AdminFeedbackPage, description: 'Feedback on answers, newest first, each with its answer and question.' })
  @ApiOperation({
    summary: 'List feedback on answers, with the answers in context',
    description: 'Filters combine; `from` is inclusive, `to` exclusive, on when the feedback was first given. Feedback goes with its answer, chat or author.',
  })
  @ApiQueryErrors()
  list(@Query() query: ListFeedbackQuery): Promise<AdminFeedbackPage> {
    return this.feedback.list(query);
  }

  @Get('summary')
  @ApiOkResponse({ type: FeedbackSummary })
  @ApiOperation({ summary: 'Thumbs up and down per agent or model, with the top reasons' })
  @ApiQueryErrors()
  summary(@Query() query: FeedbackSummaryQuery): Promise<FeedbackSummary> {
    return this.feedback.summary(query);
  }
}
