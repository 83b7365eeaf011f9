import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Budget } from '../entities/budget.entity';
import type { BudgetLimit } from '../entities/budget.entity';
import { MESSAGE_PURPOSES } from '../entities/usage-record.entity';
import type { PageRange } from './page-range';

/** Whose budget: everyone's default, one user's or one group's. */
export type BudgetOwner = { scope: 'default' } | { scope: 'user'; id: number } | { scope: 'group'; id: number };

export type BudgetLimits = Record<BudgetLimit, number | null>;

/** A user's spending in a window, from the ledger plus the answers still streaming. */
export interface WindowUsage {
  tokens: number;
  messages: number;
  /** From the ledger only (null prices count as 0); a streaming answer has no cost yet. */
  cost: number;
}

export interface UserUsage {
  day: WindowUsage;
  month: WindowUsage;
}

const ANSWERS = MESSAGE_PURPOSES.map((purpose) => `'${purpose}'`).join(', ');

/**
 * In one statement, so one snapshot: an answer that ends meanwhile moves from
 * `streaming` to the ledger in one transaction (see UsageLedger) and is counted
 * exactly once, never in both or neither. A streaming answer counts as one
 * message and reserves its prompt (stored at insert); its completion is not known yet.
 * $1 user, $2 start of the day, $3 start of the month (never after the day's).
 */
const USAGE = `
  WITH ledger AS (
    SELECT
      coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE created_at >= $2), 0)::bigint AS day_tokens,
      count(*) FILTER (WHERE created_at >= $2 AND purpose IN (${ANSWERS}))::bigint AS day_messages,
      coalesce(sum(cost) FILTER (WHERE created_at >= $2), 0)::float8 AS day_cost,
      coalesce(sum(prompt_tokens + completion_tokens), 0)::bigint AS month_tokens,
      count(*) FILTER (WHERE purpose IN (${ANSWERS}))::bigint AS month_messages,
      coalesce(sum(cost), 0)::float8 AS month_cost
    FROM usage_records WHERE user_id = $1 AND created_at >= $3
  ), streaming AS (
    SELECT count(*)::bigint AS messages, coalesce(sum(m.prompt_tokens), 0)::bigint AS tokens
    FROM messages m JOIN chats c ON c.id = m.chat_id
    WHERE c.user_id = $1 AND m.status = 'streaming'
  )
  SELECT ledger.*, streaming.messages AS streaming_messages, streaming.tokens AS streaming_tokens FROM ledger, streaming`;

interface UsageRow {
  day_tokens: string;
  day_messages: string;
  day_cost: number;
  month_tokens: string;
  month_messages: string;
  month_cost: number;
  streaming_messages: string;
  streaming_tokens: string;
}

function ownerColumns(owner: BudgetOwner): Pick<Budget, 'scope' | 'user_id' | 'group_id'> {
  if (owner.scope === 'default') return { scope: 'default', user_id: null, group_id: null };
  return owner.scope === 'user' ? { scope: 'user', user_id: owner.id, group_id: null } : { scope: 'group', user_id: null, group_id: owner.id };
}

/** The partial unique index an owner's budget is unique under, for ON CONFLICT. */
const CONFLICT_TARGET: Record<BudgetOwner['scope'], string> = {
  default: `(scope) WHERE scope = 'default'`,
  user: '(user_id) WHERE user_id IS NOT NULL',
  group: '(group_id) WHERE group_id IS NOT NULL',
};

/** Every query on budgets, and the usage they are checked against. */
@Injectable()
export class BudgetsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A page of budgets, newest id first. */
  list(range: PageRange): Promise<Budget[]> {
    const builder = this.dataSource.getRepository(Budget).createQueryBuilder('budget').orderBy('budget.id', 'DESC').take(range.limit);
    if (range.before) builder.where('budget.id < :before', { before: range.before });
    return builder.getMany();
  }

  /** The default budget, the user's own and those of every group the user belongs to. */
  applicableTo(userId: number, manager: EntityManager = this.dataSource.manager): Promise<Budget[]> {
    return manager
      .getRepository(Budget)
      .createQueryBuilder('budget')
      .where("budget.scope = 'default'")
      .orWhere('budget.user_id = :userId', { userId })
      .orWhere('budget.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.user_id = :userId)', { userId })
      .getMany();
  }

  /** Sets an owner's limits (creating its budget if it has none), in one statement so concurrent sets never collide. */
  async save(owner: BudgetOwner, limits: BudgetLimits): Promise<Budget> {
    const columns = ownerColumns(owner);
    const rows: Budget[] = await this.dataSource.query(
      `INSERT INTO budgets (scope, user_id, group_id, tokens_per_day, tokens_per_month, messages_per_day)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ${CONFLICT_TARGET[owner.scope]}
       DO UPDATE SET tokens_per_day = EXCLUDED.tokens_per_day, tokens_per_month = EXCLUDED.tokens_per_month,
         messages_per_day = EXCLUDED.messages_per_day, updated_at = now()
       RETURNING *`,
      [columns.scope, columns.user_id, columns.group_id, limits.tokens_per_day, limits.tokens_per_month, limits.messages_per_day],
    );
    return this.dataSource.getRepository(Budget).create(rows[0]);
  }

  /** Removes an owner's budget; the removed one, or null when it had none. */
  async remove(owner: BudgetOwner): Promise<Budget | null> {
    const { scope, user_id, group_id } = ownerColumns(owner);
    const builder = this.dataSource.createQueryBuilder().delete().from(Budget).where('scope = :scope', { scope });
    if (user_id !== null) builder.andWhere('user_id = :user_id', { user_id });
    if (group_id !== null) builder.andWhere('group_id = :group_id', { group_id });
    const { raw } = await builder.returning('*').execute();
    const row = (raw as Budget[])[0];
    return row ? this.dataSource.getRepository(Budget).create(row) : null;
  }

  /** A readable name for the owner (a user's email, a group's name); null when there is no such user or group. */
  async ownerLabel(owner: Exclude<BudgetOwner, { scope: 'default' }>): Promise<string | null> {
    const sql = owner.scope === 'user' ? 'SELECT email AS label FROM users WHERE id = $1' : 'SELECT name AS label FROM "groups" WHERE id = $1';
    const rows: { label: string }[] = await this.dataSource.query(sql, [owner.id]);
    return rows[0]?.label ?? null;
  }

  /** The user's usage since the starts of the day and month (see USAGE); inside `manager`'s transaction when given. */
  async usage(userId: number, since: { day: Date; month: Date }, manager: EntityManager = this.dataSource.manager): Promise<UserUsage> {
    const [row]: UsageRow[] = await manager.query(USAGE, [userId, since.day, since.month]);
    const streamingMessages = Number(row.streaming_messages);
    const streamingTokens = Number(row.streaming_tokens);
    return {
      day: { tokens: Number(row.day_tokens) + streamingTokens, messages: Number(row.day_messages) + streamingMessages, cost: Number(row.day_cost) },
      month: { tokens: Number(row.month_tokens) + streamingTokens, messages: Number(row.month_messages) + streamingMessages, cost: Number(row.month_cost) },
    };
  }
}
