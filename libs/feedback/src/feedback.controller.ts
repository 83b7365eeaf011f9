import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBodyErrors, ApiErrors, ApiIdParams, Authenticated, CurrentUser, IdPipe } from '#common';
import type { AuthUser } from '#auth';
import { FeedbackResponse, PutFeedbackDto } from './dto/feedback.dto';
import { FeedbackService } from './feedback.service';

const NOT_AN_ANSWER = { 409: 'The message is a question, not an answer, or the answer is still streaming.' };

@ApiTags('messages')
@Authenticated()
@Controller('messages/:id/feedback')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Put()
  @ApiOkResponse({ type: FeedbackResponse, description: 'The feedback as stored (created, or replaced: one per user per answer).' })
  @ApiOperation({
    summary: 'Rate an answer (thumbs up or down, optional reason and comment)',
    description: 'Replaces my earlier feedback on this answer, if any: a reason or comment left out is cleared.',
  })
  @ApiErrors({ 404: 'Message missing or not in one of my chats.' }, NOT_AN_ANSWER)
  @ApiBodyErrors()
  @ApiIdParams('id')
  put(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Body() body: PutFeedbackDto): Promise<FeedbackResponse> {
    return this.feedback.put(user, id, body);
  }

  @Get()
  @ApiOkResponse({ type: FeedbackResponse })
  @ApiOperation({ summary: 'My feedback on an answer' })
  @ApiErrors({ 404: 'Message missing or not mine, or no feedback from me on it.' }, NOT_AN_ANSWER)
  @ApiIdParams('id')
  get(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<FeedbackResponse> {
    return this.feedback.get(user, id);
  }

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'My feedback on the answer is gone.' })
  @ApiOperation({ summary: 'Withdraw my feedback on an answer' })
  @ApiErrors({ 404: 'Message missing or not mine, or no feedback from me on it.' }, NOT_AN_ANSWER)
  @ApiIdParams('id')
  delete(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.feedback.delete(user, id);
  }
}
