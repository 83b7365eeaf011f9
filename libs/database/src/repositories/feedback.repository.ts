import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MessageFeedback } from '../entities/feedback.entity';
import type { MessageRole, MessageStatus } from '../entities/message.entity';

/** A message of one of the user's chats, as feedback needs it. */
export interface RatedMessage {
  id: number;
  role: MessageRole;
  status: MessageStatus;
}

/** The admins' filters; `from` inclusive, `to` exclusive, on the time the feedback was first given. */
export interface FeedbackFilter {
  agentId?: number;
  model?: string;
  rating?: 1 | -1;
  from?: Date;
  to?: Date;
}

/** One feedback with its answer, the question before it, its author and the chat's agent. */
export interface FeedbackInContext {
  id: number;
  rating: number;
  reason: string | null;
  comment: string | null;
  created_at: Date;
  updated_at: Date;
  user_id: number;
  user_email: string;
  user_trigramme: string;
  chat_id: number;
  agent_id: number | null;
  agent_name: string | null;
  answer_id: number;
  answer_content: string;
  answer_created_at: Date;
  model: string | null;
  question_id: number | null;
  question_content: string | null;
}

export const FEEDBACK_GROUPINGS = ['agent', 'model'] as const;
export type FeedbackGrouping = (typeof FEEDBACK_GROUPINGS)[number];

/** Ratings summed per agent (its id as a string) or per model; the key is null for no agent or no model. */
export interface FeedbackGroupRow {
  key: string | null;
  /** The agent's name (a soft-deleted agent keeps it); null by model or for no agent. */
  name: string | null;
  up: number;
  down: number;
  /** Each reason given in the group and how often, most frequent first. */
  reasons: { reason: string; count: number }[];
}

/** Which column a grouping keys on. */
const GROUP_KEYS: Record<FeedbackGrouping, string> = { agent: 'c.agent_id::text', model: 'a.llm_model' };

/** The join every admin read starts from: the feedback, its answer and the answer's chat. */
const FROM_FEEDBACK = `FROM message_feedback f
  JOIN messages a ON a.id = f.message_id
  JOIN chats c ON c.id = a.chat_id`;

/** The WHERE of a filter, its parameters numbered from 1. */
function whereOf(filter: FeedbackFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const clauses: string[] = [];
  const add = (clause: (n: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(clause(`$${params.length}`));
  };
  if (filter.agentId !== undefined) add((n) => `c.agent_id = ${n}`, filter.agentId);
  if (filter.model !== undefined) add((n) => `a.llm_model = ${n}`, filter.model);
  if (filter.rating !== undefined) add((n) => `f.rating = ${n}`, filter.rating);
  if (filter.from) add((n) => `f.created_at >= ${n}`, filter.from);
  if (filter.to) add((n) => `f.created_at < ${n}`, filter.to);
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** Thumbs up/down on answers: each user's own, and the admins' reads across everyone's. */
@Injectable()
export class FeedbackRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A message of one of this user's chats, or null (missing or someone else's). */
  async findOwnedMessage(messageId: number, userId: number): Promise<RatedMessage | null> {
    const [row]: RatedMessage[] = await this.dataSource.query(
      'SELECT m.id, m.role, m.status FROM messages m JOIN chats c ON c.id = m.chat_id WHERE m.id = $1 AND c.user_id = $2',
      [messageId, userId],
    );
    return row ?? null;
  }

  findMine(messageId: number, userId: number): Promise<MessageFeedback | null> {
    return this.dataSource.getRepository(MessageFeedback).findOneBy({ message_id: messageId, user_id: userId });
  }

  /** Gives or replaces this user's feedback on the answer, in one statement on the unique index (no race between two PUTs). */
  async upsert(feedback: Pick<MessageFeedback, 'message_id' | 'user_id' | 'rating' | 'reason' | 'comment'>): Promise<MessageFeedback> {
    const { message_id, user_id, rating, reason, comment } = feedback;
    const [row]: MessageFeedback[] = await this.dataSource.query(
      `INSERT INTO message_feedback (message_id, user_id, rating, reason, comment) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (message_id, user_id) DO UPDATE
         SET rating = excluded.rating, reason = excluded.reason, comment = excluded.comment, updated_at = now()
       RETURNING *`,
      [message_id, user_id, rating, reason, comment],
    );
    return row;
  }

  /** True when there was feedback to delete. */
  async deleteMine(messageId: number, userId: number): Promise<boolean> {
    const result = await this.dataSource.getRepository(MessageFeedback).delete({ message_id: messageId, user_id: userId });
    return (result.affected ?? 0) > 0;
  }

  /** Newest first (by id); `before` is a feedback id. */
  async page(filter: FeedbackFilter, page: { limit: number; before?: number }): Promise<FeedbackInContext[]> {
    const where = whereOf(filter);
    const params = [...where.params];
    let sql = where.sql;
    if (page.before !== undefined) {
      params.push(page.before);
      sql += `${sql ? ' AND' : 'WHERE'} f.id < $${params.length}`;
    }
    params.push(page.limit);
    // Raw SQL so a soft-deleted agent still names its chats' feedback (the entity's query builder would hide it).
    return this.dataSource.query(
      `SELECT f.id, f.rating, f.reason, f.comment, f.created_at, f.updated_at,
              u.id AS user_id, u.email AS user_email, u.trigramme AS user_trigramme,
              c.id AS chat_id, c.agent_id, ag.name AS agent_name,
              a.id AS answer_id, a.content AS answer_content, a.created_at AS answer_created_at, a.llm_model AS model,
              q.id AS question_id, q.content AS question_content
       ${FROM_FEEDBACK}
       JOIN users u ON u.id = f.user_id
       LEFT JOIN agents ag ON ag.id = c.agent_id
       LEFT JOIN messages q ON q.id = a.parent_id
       ${sql} ORDER BY f.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Up and down per agent or model, most rated first, with the reasons given. */
  async summary(by: FeedbackGrouping, filter: FeedbackFilter): Promise<FeedbackGroupRow[]> {
    const key = GROUP_KEYS[by];
    const where = whereOf(filter);
    const [groups, reasons]: [{ key: string | null; name: string | null; up: string; down: string }[], { key: string | null; reason: string; count: string }[]] =
      await Promise.all([
        this.dataSource.query(
          `SELECT ${key} AS key, ${by === 'agent' ? 'max(ag.name)' : 'NULL'} AS name,
                  count(*) FILTER (WHERE f.rating = 1) AS up, count(*) FILTER (WHERE f.rating = -1) AS down
           ${FROM_FEEDBACK} LEFT JOIN agents ag ON ag.id = c.agent_id
           ${where.sql} GROUP BY 1 ORDER BY count(*) DESC, 1 NULLS LAST`,
          where.params,
        ),
        this.dataSource.query(
          `SELECT ${key} AS key, f.reason, count(*) AS count ${FROM_FEEDBACK}
           ${where.sql ? `${where.sql} AND` : 'WHERE'} f.reason IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC, f.reason`,
          where.params,
        ),
      ]);
    return groups.map((group) => ({
      key: group.key,
      name: group.name,
      up: Number(group.up),
      down: Number(group.down),
      reasons: reasons.filter((row) => row.key === group.key).map((row) => ({ reason: row.reason, count: Number(row.count) })),
    }));
  }
}
