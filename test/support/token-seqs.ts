/** A token event as SSE (`token` data) and sockets (`message_token`) carry it: tokens first_seq..seq. */
export interface TokenRange {
  first_seq: number;
  seq: number;
  delta?: string;
}

/**
 * The seq of every token the events carry, in the order received: 1, 2, 3…
 * when nothing was lost, repeated or reordered (events join tokens that came
 * close together, so how many events there are depends on timing; the tokens do not).
 */
export function tokenSeqs(events: TokenRange[]): number[] {
  return events.flatMap((event) => Array.from({ length: event.seq - event.first_seq + 1 }, (_, i) => event.first_seq + i));
}

/** 1..n */
export function oneTo(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
