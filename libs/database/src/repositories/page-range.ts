/** Which rows of a keyset-paged list to fetch: `limit` rows past the `before` cursor (absent: from the start). */
export interface PageRange {
  limit: number;
  before?: number;
}
