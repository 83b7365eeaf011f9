import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MESSAGE_PURPOSES } from '../entities/usage-record.entity';
import type { UsagePurpose } from '../entities/usage-record.entity';

/** What a usage report groups the ledger by. */
export const USAGE_GROUPINGS = ['user', 'group', 'agent', 'model', 'purpose', 'day', 'month'] as const;
export type UsageGrouping = (typeof USAGE_GROUPINGS)[number];

/** Which ledger rows a report covers: `from` inclusive, `to` exclusive. */
export interface UsageFilter {
  from: Date;
  to: Date;
  userId?: number;
  /** Rows of the users who are members of the group now. */
  groupId?: number;
  agentId?: number;
  model?: string;
  purpose?: UsagePurpose;
}

export interface UsageSums {
  calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  /** Decimal string (8 places) of the priced calls; null when none has a price. */
  cost: string | null;
  estimated_calls: number;
}

/** One group of a report: its key (null for "no user / group / agent"), the name of what the key names when it still exists. */
export interface UsageGroupRow extends UsageSums {
  key: string | null;
  name: string | null;
}

/** A user's usage since two instants (`since.day` is within `since.month`). */
export interface UserUsageSummary {
  day: { tokens: number; messages: number; cost: string | null };
  month: { tokens: number; messages: number; cost: string | null };
}

interface Grouping {
  /** The key as the ledger row gives it. */
  expression: string;
  /** Ids sort newest first; text keys in byte order, days and months newest first. */
  order: 'id' | 'text-asc' | 'text-desc';
  /** The table whose `id` the key is, and the column naming it. */
  names?: { table: string; column: string };
}

const utcText = (format: string) => `to_char(r.created_at AT TIME ZONE 'UTC', '${format}')`;

const GROUPINGS: Record<UsageGrouping, Grouping> = {
  user: { expression: 'r.user_id', order: 'id', names: { table: 'users', column: 'email' } },
  group: { expression: 'gm.group_id', order: 'id', names: { table: 'groups', column: 'name' } },
  // Soft-deleted agents keep their name (raw SQL sees them); an agent gone with its owner has none.
  agent: { expression: 'r.agent_id', order: 'id', names: { table: 'agents', column: 'name' } },
  model: { expression: 'r.model', order: 'text-asc' },
  purpose: { expression: 'r.purpose', order: 'text-asc' },
  day: { expression: utcText('YYYY-MM-DD'), order: 'text-desc' },
  month: { expression: utcText('YYYY-MM'), order: 'text-desc' },
};

const SUMS = `count(*)::bigint AS calls,
  coalesce(sum(r.prompt_tokens), 0)::bigint AS prompt_tokens,
  coalesce(sum(r.completion_tokens), 0)::bigint AS completion_tokens,
  sum(r.cost)::text AS cost,
  (count(*) FILTER (WHERE r.estimated))::bigint AS estimated_calls`;

type RawSums = Record<keyof Omit<UsageSums, 'cost'>, string | number> & { cost: string | null };

const toSums = (raw: RawSums): UsageSums => ({
  calls: Number(raw.calls),
  prompt_tokens: Number(raw.prompt_tokens),
  completion_tokens: Number(raw.completion_tokens),
  cost: raw.cost,
  estimated_calls: Number(raw.estimated_calls),
});

/** The WHERE of a filter, its parameters numbered from $1. */
function whereOf(filter: UsageFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [filter.from, filter.to];
  const conditions = ['r.created_at >= $1', 'r.created_at < $2'];
  const add = (condition: (n: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(condition(`$${params.length}`));
  };
  if (filter.userId !== undefined) add((n) => `r.user_id = ${n}`, filter.userId);
  if (filter.agentId !== undefined) add((n) => `r.agent_id = ${n}`, filter.agentId);
  if (filter.model !== undefined) add((n) => `r.model = ${n}`, filter.model);
  if (filter.purpose !== undefined) add((n) => `r.purpose = ${n}`, filter.purpose);
  if (filter.groupId !== undefined) add((n) => `r.user_id IN (SELECT user_id FROM group_members WHERE group_id = ${n})`, filter.groupId);
  return { where: conditions.join(' AND '), params };
}

/** Aggregate reads of the usage ledger for the admins' reports. */
@Injectable()
export class UsageReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The sums of every row the filter covers (each ledger row once, whatever the grouping). */
  async totals(filter: UsageFilter): Promise<UsageSums> {
    const { where, params } = whereOf(filter);
    const [raw] = await this.dataSource.query(`SELECT ${SUMS} FROM usage_records r WHERE ${where}`, params);
    return toSums(raw);
  }

  /**
   * Up to `limit` groups past the `after` key, in the grouping's order (see Grouping.order); the
   * null key ("no user", "no group", "no agent") comes last, so it is never a page's cursor.
   * By group, a user's rows count in every group they belong to now, and rows of users in none under null.
   */
  async groups(by: UsageGrouping, filter: UsageFilter, page: { limit: number; after?: string }): Promise<UsageGroupRow[]> {
    const grouping = GROUPINGS[by];
    const { where, params } = whereOf(filter);
    let members = '';
    if (by === 'group') {
      const onlyGroup = filter.groupId !== undefined ? ` AND gm.group_id = ${param(params, filter.groupId)}` : '';
      members = `LEFT JOIN group_members gm ON gm.user_id = r.user_id${onlyGroup}`;
    }
    const key = grouping.order === 'id' ? 'g.key' : 'g.key COLLATE "C"';
    const direction = grouping.order === 'text-asc' ? 'ASC' : 'DESC';
    let cursor = '';
    if (page.after !== undefined) {
      const after = param(params, grouping.order === 'id' ? Number(page.after) : page.after);
      const past = `${key} ${direction === 'ASC' ? '>' : '<'} ${after}`;
      cursor = grouping.order === 'id' ? `WHERE (${past} OR g.key IS NULL)` : `WHERE ${past}`;
    }
    const names = grouping.names ? `LEFT JOIN ${grouping.names.table} n ON n.id = g.key` : '';
    const name = grouping.names ? `n.${grouping.names.column}` : 'NULL';
    const rows: (RawSums & { key: string | number | null; name: string | null })[] = await this.dataSource.query(
      `WITH g AS (SELECT ${grouping.expression} AS key, ${SUMS} FROM usage_records r ${members} WHERE ${where} GROUP BY 1)
       SELECT g.*, ${name} AS name FROM g ${names} ${cursor}
       ORDER BY ${key} ${direction} NULLS LAST LIMIT ${param(params, page.limit)}`,
      params,
    );
    return rows.map((row) => ({ ...toSums(row), key: row.key === null ? null : String(row.key), name: row.name }));
  }

  /** Tokens, answers (messages) and cost of the user's calls since `since.month`, and since `since.day`. */
  async userSummary(userId: number, since: { day: Date; month: Date }): Promise<UserUsageSummary> {
    const answers = MESSAGE_PURPOSES.map((purpose) => `'${purpose}'`).join(', ');
    const sums = (period: 'day' | 'month', within: string) => `
      coalesce(sum(r.prompt_tokens + r.completion_tokens) FILTER (WHERE ${within}), 0)::bigint AS tokens_${period},
      (count(*) FILTER (WHERE ${within} AND r.purpose IN (${answers})))::bigint AS messages_${period},
      (sum(r.cost) FILTER (WHERE ${within}))::text AS cost_${period}`;
    const [raw] = await this.dataSource.query(
      `SELECT ${sums('month', 'true')}, ${sums('day', 'r.created_at >= $3')}
       FROM usage_records r WHERE r.user_id = $1 AND r.created_at >= $2`,
      [userId, since.month, since.day],
    );
    return {
      day: { tokens: Number(raw.tokens_day), messages: Number(raw.messages_day), cost: raw.cost_day },
      month: { tokens: Number(raw.tokens_month), messages: Number(raw.messages_month), cost: raw.cost_month },
    };
  }
}

/** Adds a parameter; its placeholder. */
function param(params: unknown[], value: unknown): string {
  params.push(value);
  return `$${params.length}`;
}
