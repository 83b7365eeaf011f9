import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { IsInt4 } from './int4';
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
    @ApiPropertyOptional({ default: fallback, minimum: 1, maximum, ...(description ? { description } : {}) })
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
 * cursor (an id, the `next_before` of the previous page). `cursor` documents it.
 */
export function KeysetPageQuery(limit: PageLimit, cursor: string) {
  class KeysetQuery extends LimitQuery(limit) {
    @ApiPropertyOptional({ description: cursor })
    @Optional()
    @Type(() => Number)
    @IsInt4()
    before?: number;
  }
  return KeysetQuery;
}
