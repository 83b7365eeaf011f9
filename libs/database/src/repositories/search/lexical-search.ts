import { anyStemSql, searchWords, tsquerySql } from './text-search';

/** Rows of one table (`alias`) within a scope: `from` and `where` with their parameters. */
export interface SearchScope {
  from: string;
  where: string;
  params: unknown[];
  alias: string;
}

// Ranking reads at most about twice this many rows. ts_rank_cd costs a few
// microseconds a row (more for long queries); at 100k chunks, 250 kept 91% of
// the unbounded top 6's rank total (500: 93%) at half the cost.
export const LEXICAL_POOL = 250;

/**
 * A query ranking a scope's rows by ts_rank_cd over any of the query's words
 * (best first, `limit` ids), or null when the query has no words.
 *
 * Ranking every match made common words slow (each in half the chunks: 64k
 * rows ranked at 100k chunks), so only a bounded pool is ranked: up to
 * LEXICAL_POOL rows holding all the words, and LEXICAL_POOL/n holding each
 * word. When no word matches more than its share, these hold every match and
 * the result is exactly the unbounded ranking. When words are common, rows
 * holding all of them are the likeliest answers (and hold an occurrence of
 * each, which ts_rank_cd counts), while each word's own pool keeps a rare
 * word's matches from being crowded out by a common word's, as they would be
 * in one OR pool under a LIMIT. AND first with an OR fallback was the other
 * option: it reorders results even when nothing needs bounding, and its
 * fallback has the same crowding.
 */
export function lexicalSearch(scope: SearchScope, query: string, limit: number): { sql: string; params: unknown[] } | null {
  const words = searchWords(query);
  if (words.length === 0) return null;
  const n = scope.params.length;
  const wordQueries = words.map((_, i) => tsquerySql(`$${n + 2 + i}`));
  const { alias: a } = scope;
  const pool = (match: string, size: number) =>
    `(SELECT ${a}.id, ${a}.tsv FROM ${scope.from} WHERE ${scope.where} AND ${a}.tsv @@ ${match} LIMIT ${size})`;
  const pools = wordQueries.map((match) => pool(match, Math.ceil(LEXICAL_POOL / words.length)));
  if (words.length > 1) pools.unshift(pool(`(${wordQueries.join(' && ')})`, LEXICAL_POOL));
  return {
    sql: `SELECT pool.id FROM (${pools.join(' UNION ALL ')}) AS pool CROSS JOIN (SELECT ${anyStemSql(`$${n + 1}`)} AS q) AS search
          GROUP BY pool.id ORDER BY max(ts_rank_cd(pool.tsv, search.q)) DESC, pool.id LIMIT ${limit}`,
    params: [...scope.params, words.join(' '), ...words],
  };
}
