import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MESSAGE_TSV_SQL } from './conversation-tree.repository';
import { tsquerySql, tsvectorSql, unaccent } from './search/text-search';

/** Which chats a search reads: `all` (archived ones included), only `false` (not archived) or only `true`. */
export type ArchivedFilter = 'false' | 'true' | 'all';

/** A search of one user's chats: `words` from searchWords (each required), and filters. */
export interface MessageSearchQuery {
  userId: number;
  words: string[];
  agentId?: number;
  from?: Date;
  to?: Date;
  archived: ArchivedFilter;
}

/** What a search finds: a chat by its title, or a message. */
export type SearchSource = 'title' | 'message';

/** A chat whose title holds every word (`id` is the chat's, `content` its title), or a message that does. */
export interface SearchHit {
  id: number;
  chat_id: number;
  chat_title: string;
  /** Null for a title. */
  role: string | null;
  /** For a title, the chat's last activity. */
  created_at: Date;
  content: string;
  rank: number;
}

/** Where a page starts within a window: after (rank, id) in (rank desc, id desc) order. */
export interface RankCursor {
  rank: number;
  id: number;
}

/**
 * A window ranks the matches with an id in [top - span, top), at most
 * SEARCH_WINDOW of them (the newest). Ranking every match of a common word
 * (half of a million messages) costs seconds, and so does reading every
 * match to find the newest: the id range lets PostgreSQL combine the word's
 * index with the primary key's and read only the range's matches. Spans
 * start small (a common word fills a window within a few thousand ids) and
 * grow fourfold while windows come back unfilled (a rare word's matches are
 * far apart). Titles' windows hold fewer: their tsvector is computed to rank them (about 70 µs each).
 */
export const SEARCH_WINDOW = { message: 500, title: 50 };
export const FIRST_SPAN = { message: 4000, title: 200 };

/** Which ids a window covers: below `top` (null: from the newest), `span` of them. */
export interface WindowRange {
  top: number | null;
  span: number;
}

/** A window of ranked matches: its hits after the cursor, its range (top resolved), and the next window's (null: none). */
export interface SearchWindow {
  hits: SearchHit[];
  range: { top: number; span: number };
  next: WindowRange | null;
}

// Lower-case title without the accents of Latin letters (what unaccent() does in JS for them), in SQL.
const ACCENTED = 'àáâãäåāăąçćčďèéêëēėęěìíîïīįñńňòóôõöōőùúûüūůűųýÿźżžÀÁÂÃÄÅĀĂĄÇĆČĎÈÉÊËĒĖĘĚÌÍÎÏĪĮÑŃŇÒÓÔÕÖŌŐÙÚÛÜŪŮŰŲÝŸŹŻŽ';
const TITLE_TEXT = `translate(lower(c.title), '${ACCENTED}', '${unaccent(ACCENTED)}')`;
/** A chat title's tsvector: the expression of IDX_chats_title_tsv (migration ChatTitleSearch), so the index serves it. */
export const CHAT_TITLE_TSV = tsvectorSql(TITLE_TEXT);

/** Full-text search of a user's messages and chat titles (messages.tsv, written when a message's text is final). */
@Injectable()
export class MessageSearchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One window of titles or messages holding every word: the SEARCH_WINDOW
   * newest in `range`, ranked; the hits after `after` in (rank desc, id desc)
   * order, at most `limit`.
   */
  async window(source: SearchSource, query: MessageSearchQuery, range: WindowRange, limit: number, after?: RankCursor): Promise<SearchWindow> {
    const table = source === 'title' ? 'chats' : 'messages';
    const top = range.top ?? (await this.dataSource.query(`SELECT coalesce(max(id), 0) + 1 AS top FROM ${table}`))[0].top;
    const lo = top - range.span;
    const params: unknown[] = [];
    const chats = this.chatFilter(query, params, source === 'title' ? 'c.updated_at' : 'm.created_at');
    const match = this.match(query.words, params);
    const id = source === 'title' ? 'c.id' : 'm.id';
    params.push(top, lo);
    const below = `AND ${id} < $${params.length - 1} AND ${id} >= $${params.length}`;
    let cursor = '';
    if (after) {
      params.push(after.rank, after.id);
      cursor = `WHERE (rank, id) < ($${params.length - 1}::float8, $${params.length})`;
    }
    params.push(limit);
    const size = SEARCH_WINDOW[source];
    // Matched through the word's index within the range: MATERIALIZED keeps the planner from walking the range in id
    // order and testing each row instead (it misjudges a rare word's matches as many, and a title's test computes its tsvector).
    const ranked =
      source === 'title'
        ? `matched AS MATERIALIZED (SELECT c.id FROM chats c WHERE ${chats} AND ${CHAT_TITLE_TSV} @@ ${match} ${below}),
           pool AS (SELECT id FROM matched ORDER BY id DESC LIMIT ${size}),
           ranked AS (
             SELECT c.id, c.id AS chat_id, c.title AS chat_title, NULL::varchar AS role, c.updated_at AS created_at,
                    ts_rank_cd(${CHAT_TITLE_TSV}, ${match})::float8 AS rank
             FROM pool JOIN chats c ON c.id = pool.id)`
        : `matched AS MATERIALIZED (
             SELECT m.id, m.chat_id, m.role, m.created_at, m.tsv FROM messages m
             WHERE m.tsv @@ ${match} AND m.role IN ('user', 'assistant') ${below}),
           pool AS (
             SELECT m.id, m.chat_id, c.title AS chat_title, m.role, m.created_at, m.tsv
             FROM matched m JOIN chats c ON c.id = m.chat_id WHERE ${chats}
             ORDER BY m.id DESC LIMIT ${size}),
           ranked AS (SELECT id, chat_id, chat_title, role, created_at, ts_rank_cd(tsv, ${match})::float8 AS rank FROM pool)`;
    // Only the page's messages are read whole (answers can be long).
    const content = source === 'title' ? 'SELECT r.*, r.chat_title AS content FROM' : 'SELECT r.*, m.content FROM';
    const join = source === 'title' ? '' : 'JOIN messages m ON m.id = r.id';
    // The window's extent comes back even when no hit is left after the cursor: it tells where the next window starts.
    const rows: (Partial<SearchHit> & { bottom: number | null; size: string | number })[] = await this.dataSource.query(
      `WITH ${ranked}
       SELECT extent.bottom, extent.size, page.* FROM (SELECT min(id) AS bottom, count(*) AS size FROM ranked) extent
       LEFT JOIN (
         ${content} (SELECT * FROM ranked ${cursor} ORDER BY rank DESC, id DESC LIMIT $${params.length}) r ${join}
       ) page ON true
       ORDER BY page.rank DESC, page.id DESC`,
      params,
    );
    const extent = rows[0];
    const hits = rows.filter((row) => row.id != null).map(({ bottom: _b, size: _s, ...hit }) => hit as SearchHit);
    const full = Number(extent.size) >= size;
    const next = full ? { top: extent.bottom!, span: range.span } : lo > 1 ? { top: lo, span: range.span * 4 } : null;
    return { hits, range: { top, span: range.span }, next };
  }

  /** Sets the full-text index of up to `limit` ended messages that have none (older than the index, imported); returns how many. */
  async indexMissing(limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: { id: number; content: string }[] = await manager.query(
        `SELECT id, content FROM messages WHERE tsv IS NULL AND status <> 'streaming' ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      await manager.query(
        `UPDATE messages m SET tsv = ${MESSAGE_TSV_SQL('x.u')} FROM unnest($1::int[], $2::text[]) AS x(id, u) WHERE m.id = x.id`,
        [rows.map((row) => row.id), rows.map((row) => unaccent(row.content))],
      );
      return rows.length;
    });
  }

  /** The conditions on `c` (the user's chats, agent, archived) and on `dated` (the date range). */
  private chatFilter(query: MessageSearchQuery, params: unknown[], dated: string): string {
    params.push(query.userId);
    const conditions = [`c.user_id = $${params.length}`];
    if (query.agentId !== undefined) {
      params.push(query.agentId);
      conditions.push(`c.agent_id = $${params.length}`);
    }
    if (query.archived === 'false') conditions.push('c.archived_at IS NULL');
    if (query.archived === 'true') conditions.push('c.archived_at IS NOT NULL');
    if (query.from) {
      params.push(query.from);
      conditions.push(`${dated} >= $${params.length}`);
    }
    if (query.to) {
      params.push(query.to);
      conditions.push(`${dated} < $${params.length}`);
    }
    return conditions.join(' AND ');
  }

  /** A tsquery holding every word (each stemmed in either language). */
  private match(words: string[], params: unknown[]): string {
    return `(${words
      .map((word) => {
        params.push(word);
        return tsquerySql(`$${params.length}`);
      })
      .join(' && ')})`;
  }
}
