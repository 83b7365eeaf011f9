import { Injectable } from '@nestjs/common';
import { toPage, ValidationError } from '#common';
import { FeedbackRepository } from '#database';
import type { FeedbackFilter, FeedbackGroupRow, FeedbackInContext } from '#database';
import { ratingName, ratingValue } from '../feedback-reasons';
import type { FeedbackReason } from '../feedback-reasons';
import type { AdminFeedbackPage, AdminFeedbackResponse, FeedbackSummary, FeedbackSummaryQuery, FeedbackSummaryRow, ListFeedbackQuery } from './admin-feedback.dto';

const TOP_REASONS = 3;

/** An ISO 8601 date or date-time (already validated); without an offset it is UTC, whatever the server's zone. */
function instant(value: string): Date {
  return new Date(value.includes('T') && !/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(value) ? `${value}Z` : value);
}

function rangeOf(query: { from?: string; to?: string }): Pick<FeedbackFilter, 'from' | 'to'> {
  const from = query.from ? instant(query.from) : undefined;
  const to = query.to ? instant(query.to) : undefined;
  if (from && to && from >= to) throw new ValidationError([{ loc: ['query', 'to'], msg: 'to must be after from' }]);
  return { from, to };
}

function presentItem(row: FeedbackInContext): AdminFeedbackResponse {
  return {
    id: row.id,
    rating: ratingName(row.rating),
    reason: row.reason as FeedbackReason | null,
    comment: row.comment,
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at),
    user: { id: row.user_id, email: row.user_email, trigramme: row.user_trigramme },
    agent: row.agent_id === null ? null : { id: row.agent_id, name: row.agent_name ?? '' },
    model: row.model,
    answer: { id: row.answer_id, chat_id: row.chat_id, content: row.answer_content, created_at: new Date(row.answer_created_at) },
    question: row.question_id === null ? null : { id: row.question_id, content: row.question_content ?? '' },
  };
}

function presentGroup(by: FeedbackSummaryQuery['group_by'], row: FeedbackGroupRow): FeedbackSummaryRow {
  const total = row.up + row.down;
  const label = row.key === null ? `no ${by}` : by === 'agent' ? (row.name ?? `agent #${row.key}`) : row.key;
  return {
    key: row.key,
    label,
    up: row.up,
    down: row.down,
    total,
    ratio: total ? Math.round((row.up / total) * 10_000) / 10_000 : 0,
    top_reasons: row.reasons.slice(0, TOP_REASONS).map(({ reason, count }) => ({ reason: reason as FeedbackReason, count })),
  };
}

/** The admins' read of everyone's feedback: each with its answer in context, and sums per agent or model. */
@Injectable()
export class AdminFeedbackService {
  constructor(private readonly feedback: FeedbackRepository) {}

  async list(query: ListFeedbackQuery): Promise<AdminFeedbackPage> {
    const filter: FeedbackFilter = {
      agentId: query.agent_id,
      model: query.model,
      rating: query.rating && ratingValue(query.rating),
      ...rangeOf(query),
    };
    const rows = await this.feedback.page(filter, { limit: query.limit + 1, before: query.before });
    return toPage(rows, query.limit, presentItem, (row) => row.id);
  }

  async summary(query: FeedbackSummaryQuery): Promise<FeedbackSummary> {
    const rows = await this.feedback.summary(query.group_by, rangeOf(query));
    return { group_by: query.group_by, items: rows.map((row) => presentGroup(query.group_by, row)) };
  }
}
