import { Injectable } from '@nestjs/common';
import { INT4_MAX, ValidationError } from '#common';
import { UsageReportsRepository } from '#database';
import type { UsageFilter, UsageGrouping, UsageGroupRow, UsageSums } from '#database';
import { csvLine } from './csv';
import type { UsageReport, UsageReportQuery, UsageReportRow, UsageTotals } from './dto/usage-report.dto';
import { usageRange } from './usage-range';

/** Rows fetched per query while a CSV streams. */
const CSV_BATCH = 1000;

const CSV_COLUMNS = ['key', 'label', 'calls', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'cost', 'estimated_calls'] as const;

/** What a `before` of each grouping must look like: the key of one of its rows. */
const CURSORS: Partial<Record<UsageGrouping, { pattern: RegExp; shape: string }>> = {
  user: { pattern: /^[1-9]\d{0,9}$/, shape: 'a user id' },
  group: { pattern: /^[1-9]\d{0,9}$/, shape: 'a group id' },
  agent: { pattern: /^[1-9]\d{0,9}$/, shape: 'an agent id' },
  day: { pattern: /^\d{4}-\d{2}-\d{2}$/, shape: 'a day (YYYY-MM-DD)' },
  month: { pattern: /^\d{4}-\d{2}$/, shape: 'a month (YYYY-MM)' },
};

const NO_KEY: Partial<Record<UsageGrouping, string>> = { user: 'no user', group: 'no group', agent: 'no agent' };

/** A readable name for a row; what was deleted keeps only its id (pseudonymised). */
function labelOf(by: UsageGrouping, row: UsageGroupRow): string {
  if (row.key === null) return NO_KEY[by] ?? '';
  if (by === 'user' || by === 'group' || by === 'agent') return row.name ?? `deleted ${by} #${row.key}`;
  return row.key;
}

function withTotal(sums: UsageSums): UsageTotals {
  return { ...sums, total_tokens: sums.prompt_tokens + sums.completion_tokens };
}

function presentRow(by: UsageGrouping, row: UsageGroupRow): UsageReportRow {
  const { key, calls, prompt_tokens, completion_tokens, cost, estimated_calls } = row;
  return { key, label: labelOf(by, row), ...withTotal({ calls, prompt_tokens, completion_tokens, cost, estimated_calls }) };
}

/** The admins' usage reports: the ledger summed by user, group, agent, model, purpose, day or month. */
@Injectable()
export class UsageReportsService {
  constructor(private readonly reports: UsageReportsRepository) {}

  /** One page of rows and the totals of the whole range. */
  async report(query: UsageReportQuery): Promise<UsageReport> {
    const { filter, after } = this.read(query);
    const [rows, totals] = await Promise.all([
      this.reports.groups(query.group_by, filter, { limit: query.limit + 1, after }),
      this.reports.totals(filter),
    ]);
    const page = rows.slice(0, query.limit);
    return {
      group_by: query.group_by,
      from: filter.from,
      to: filter.to,
      items: page.map((row) => presentRow(query.group_by, row)),
      next_before: rows.length > query.limit ? page[page.length - 1].key : null,
      totals: withTotal(totals),
    };
  }

  /**
   * Every row of the report as CSV (header first), fetched in batches while it streams. The first batch is
   * read before this returns, so a bad query or a database failure is an error status rather than a cut file.
   */
  async csv(query: UsageReportQuery): Promise<{ filename: string; lines: AsyncIterable<string> }> {
    const { filter } = this.read({ ...query, before: undefined });
    const by = query.group_by;
    const batch = (after?: string) => this.reports.groups(by, filter, { limit: CSV_BATCH, after });
    const first = await batch();
    const day = (date: Date) => date.toISOString().slice(0, 10);
    async function* lines(): AsyncGenerator<string> {
      yield csvLine(CSV_COLUMNS);
      let rows = first;
      while (rows.length > 0) {
        yield rows.map((row) => presentRow(by, row)).map((row) => csvLine(CSV_COLUMNS.map((column) => row[column]))).join('');
        const last = rows[rows.length - 1].key;
        // The null key sorts last: after it, or after a short batch, nothing follows.
        if (rows.length < CSV_BATCH || last === null) return;
        rows = await batch(last);
      }
    }
    // `to` is exclusive: the file is named after the last instant it covers.
    return { filename: `usage-by-${by}-${day(filter.from)}-to-${day(new Date(filter.to.getTime() - 1))}.csv`, lines: lines() };
  }

  private read(query: UsageReportQuery): { filter: UsageFilter; after?: string } {
    const filter: UsageFilter = {
      ...usageRange(query),
      userId: query.user_id,
      groupId: query.group_id,
      agentId: query.agent_id,
      model: query.model,
      purpose: query.purpose,
    };
    const cursor = CURSORS[query.group_by];
    const before = query.before;
    if (before !== undefined && cursor && (!cursor.pattern.test(before) || (cursor.shape.endsWith('id') && Number(before) > INT4_MAX))) {
      throw new ValidationError([{ loc: ['query', 'before'], msg: `before must be the key of a row by ${query.group_by}: ${cursor.shape}` }]);
    }
    return { filter, after: before };
  }
}
