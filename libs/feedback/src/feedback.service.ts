import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '#common';
import { FeedbackRepository } from '#database';
import type { MessageFeedback } from '#database';
import type { AuthUser } from '#auth';
import type { FeedbackResponse, PutFeedbackDto } from './dto/feedback.dto';
import { ratingName, ratingValue } from './feedback-reasons';
import type { FeedbackReason } from './feedback-reasons';

export function presentFeedback(feedback: MessageFeedback): FeedbackResponse {
  const { id, message_id, rating, reason, comment, created_at, updated_at } = feedback;
  return { id, message_id, rating: ratingName(rating), reason: reason as FeedbackReason | null, comment, created_at, updated_at };
}

/** A user's thumbs up or down on the answers of their own chats: one per answer, replaced at will. */
@Injectable()
export class FeedbackService {
  constructor(private readonly feedback: FeedbackRepository) {}

  async put(user: AuthUser, messageId: number, body: PutFeedbackDto): Promise<FeedbackResponse> {
    await this.answerOf(user, messageId);
    const comment = body.comment?.trim() ? body.comment : null;
    const saved = await this.feedback.upsert({
      message_id: messageId,
      user_id: user.id,
      rating: ratingValue(body.rating),
      reason: body.reason ?? null,
      comment,
    });
    return presentFeedback(saved);
  }

  async get(user: AuthUser, messageId: number): Promise<FeedbackResponse> {
    await this.answerOf(user, messageId);
    const found = await this.feedback.findMine(messageId, user.id);
    if (!found) throw new NotFoundError('No feedback on this answer');
    return presentFeedback(found);
  }

  async delete(user: AuthUser, messageId: number): Promise<void> {
    await this.answerOf(user, messageId);
    if (!(await this.feedback.deleteMine(messageId, user.id))) throw new NotFoundError('No feedback on this answer');
  }

  /** Only answers are rated, once written: another user's message is missing (404), a question or a streaming answer 409. */
  private async answerOf(user: AuthUser, messageId: number): Promise<void> {
    const message = await this.feedback.findOwnedMessage(messageId, user.id);
    if (!message) throw new NotFoundError('Message not found');
    if (message.role !== 'assistant') throw new ConflictError('Only answers take feedback');
    if (message.status === 'streaming') throw new ConflictError('The answer is still being written');
  }
}
