import type { Type as Class } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { INT4_MAX } from './int4';
import { Optional } from './optional';

/** One endpoint's page size: `default` when absent, at most `maximum`. */
export interface PageLimit {
  default: number;
  maximum: number;
  description?: string;
}

/** Query fields of a list with a page size (`limit`, an integer from 1). Extend the class it returns. */
export function LimitQuery(limit: PageLimit) {
  const { default: fallback, maximum, description } = limit;

  class LimitedQuery {
    @ApiPropertyOptional({ type: 'integer', default: fallback, minimum: 1, maximum, ...(description ? { description } : {}) })
    @Optional()
    @Type(() => Number)
    @IsInt()
    @Min(1)
    @Max(maximum)
    limit: number = fallback;
  }
  return LimitedQuery;
}

/**
 * Query fields of a keyset-paginated list: `limit` items past the `before`
 * cursor (an id, the `next_before` of the previous page). `cursor` documents it;
 * `cursorMaximum` raises the cursor's bound past an int4 id (e.g. a time in µs).
 */
export function KeysetPageQuery(limit: PageLimit, cursor: string, cursorMaximum = INT4_MAX) {
  class KeysetQuery extends LimitQuery(limit) {
    @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: cursorMaximum, description: cursor })
    @Optional()
    @Type(() => Number)
    @IsInt()
    @Min(1)
    @Max(cursorMaximum)
    before?: number;
  }
  return KeysetQuery;
}

/** One page of a list: its items, and the `before` of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  next_before: number | null;
}

/**
 * The response class of a page of `item`, for Swagger: `class AgentPage extends PageOf(AgentResponse) {}`.
 * `order` documents the items' order.
 */
export function PageOf<T>(item: Class<T>, order: string) {
  class ItemPage implements Page<T> {
    @ApiProperty({ type: () => item, isArray: true, description: order })
    items!: T[];

    @ApiProperty({ type: 'integer', nullable: true, description: 'Pass as `before` for the next page; null on the last page.' })
    next_before!: number | null;
  }
  return ItemPage;
}

/**
 * A page from up to `limit + 1` rows fetched in the page's order: the extra row
 * only tells that another page follows, whose `before` is the last item's cursor.
 */
export function toPage<R, T>(rows: R[], limit: number, present: (row: R) => T, cursorOf: (row: R) => number): Page<T> {
  const page = rows.slice(0, limit);
  return { items: page.map((row) => present(row)), next_before: rows.length > limit ? cursorOf(page[page.length - 1]) : null };
}
