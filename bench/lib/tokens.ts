/**
 * A token event as the API sends it (SSE `token` data, Socket.IO
 * `message_token`): `seq` numbers its last token; `first_seq`, when present,
 * its first, as tokens that arrive within a few ms travel in one event.
 */
export interface TokenEvent {
  seq: number;
  first_seq?: number;
}

/** Counts the tokens of one answer's events and checks that none was lost or came out of order. */
export class TokenTally {
  tokens = 0;
  events = 0;
  ordered = true;
  /** Tokens carried by the first event: they all arrived at the first event's time. */
  firstEventTokens = 0;
  private lastSeq = 0;

  add(event: TokenEvent): void {
    const first = event.first_seq ?? event.seq;
    const count = event.seq - first + 1;
    if (first !== this.lastSeq + 1 || !(count >= 1)) this.ordered = false;
    if (this.events === 0) this.firstEventTokens = Math.max(count, 0);
    this.tokens += Math.max(count, 0);
    this.events++;
    this.lastSeq = event.seq;
  }
}

/** The token event in one SSE block's data line, read without a JSON parse (`"seq"` does not match `"first_seq"`). */
export function sseTokenEvent(block: string): TokenEvent {
  const firstSeq = /"first_seq":(\d+)/.exec(block)?.[1];
  return { seq: Number(/"seq":(\d+)/.exec(block)?.[1]), ...(firstSeq === undefined ? {} : { first_seq: Number(firstSeq) }) };
}
