import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min, ValidationOptions } from 'class-validator';

/** The largest value of a PostgreSQL `integer` column (ids, and the cursors and offsets compared with them). */
export const INT4_MAX = 2 ** 31 - 1;

/** An integer that fits an int4 column, from `min` (1 for ids); past it the database would answer 500. */
export function IsInt4(min = 1, options: ValidationOptions = {}) {
  return applyDecorators(IsInt(options), Min(min, options), Max(INT4_MAX, options));
}
