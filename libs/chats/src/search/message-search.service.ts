import { Injectable } from '@nestjs/common';
import { FIRST_SPAN, MessageSearchRepository, searchWords } from '#database';
import type { MessageSearchQuery, SearchHit } from '#database';
import { decodeCursor, encodeCursor, SearchCursor } from './search-cursor';
import type { SearchHitResponse, SearchMessagesQuery, SearchPage } from './search.dto';
import { snippetOf } from './snippet';

type Found = { hit: SearchHitResponse; cursor: SearchCursor };

/** The query fields the search reads (the route's query, or a bench's). */
export type SearchRequest = Pick<SearchMessagesQuery, 'q' | 'limit' | 'archived'> & Partial<Pick<SearchMessagesQuery, 'agent_id' | 'from' | 'to' | 'before'>>;

/**
 * Search of everything a user wrote and read: chat titles first, then
 * messages, each ranked window by window (see SEARCH_WINDOW). Streaming
 * answers are found once they end (their text is indexed then).
 */
@Injectable()
export class MessageSearchService {
  constructor(private readonly repository: MessageSearchRepository) {}

  async search(userId: number, query: SearchRequest): Promise<SearchPage> {
    const words = searchWords(query.q);
    if (words.length === 0) return { items: [], next_before: null };
    const filter: MessageSearchQuery = {
      userId,
      words,
      agentId: query.agent_id,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      archived: query.archived,
    };
    // One more than the page: it tells whether another page follows.
    const wanted = query.limit + 1;
    const found: Found[] = [];
    let cursor: SearchCursor | null = query.before ? decodeCursor(query.before) : { s: 't', w: null, n: FIRST_SPAN.title };
    while (cursor && found.length < wanted) {
      const { s, w: top, n: span, r, i }: SearchCursor = cursor;
      const after = r === undefined || i === undefined ? undefined : { rank: r, id: i };
      const window = await this.repository.window(s === 't' ? 'title' : 'message', filter, { top, span }, wanted - found.length, after);
      const { top: w, span: n } = window.range;
      found.push(...window.hits.map((hit) => ({ hit: this.present(s, hit, words), cursor: { s, w, n, r: hit.rank, i: hit.id } })));
      cursor = window.next ? { s, w: window.next.top, n: window.next.span } : s === 't' ? { s: 'm', w: null, n: FIRST_SPAN.message } : null;
    }
    const page = found.slice(0, query.limit);
    return { items: page.map((entry) => entry.hit), next_before: found.length > query.limit ? encodeCursor(page[page.length - 1].cursor) : null };
  }

  private present(source: 't' | 'm', hit: SearchHit, words: string[]): SearchHitResponse {
    return {
      type: source === 't' ? 'chat' : 'message',
      chat_id: hit.chat_id,
      chat_title: hit.chat_title,
      message_id: source === 't' ? null : hit.id,
      role: hit.role as SearchHitResponse['role'],
      created_at: hit.created_at,
      snippet: snippetOf(hit.content, words),
      rank: hit.rank,
    };
  }
}
