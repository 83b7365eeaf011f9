/** Tokens sent as one event: seqs `firstSeq`..`seq`, their text joined. */
export interface TokenBatch {
  firstSeq: number;
  seq: number;
  delta: string;
}

/** How long tokens may wait to be sent with the next ones, and how much text one event may gather. */
export const TOKEN_BATCH_WINDOW_MS = 10;
export const TOKEN_BATCH_MAX_CHARS = 400;

/**
 * Gathers the tokens of one answer that arrive within a few milliseconds into
 * one event: every event costs a bus message, a log entry, an SSE write and a
 * socket frame per follower (each write a system call that, on loopback or a
 * busy host, costs more than all the rest of a token's handling), and under
 * load the upstream's tokens come in bursts. The answer's first token is sent
 * at once (it is what users wait for); a later one waits at most the window
 * for those behind it. Events are sent in order; a failed send fails the next
 * `add` or `drain`.
 */
export class TokenBatcher {
  private pending: TokenBatch | null = null;
  private timer: NodeJS.Timeout | null = null;
  private first = true;
  private sending: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly send: (batch: TokenBatch) => Promise<void>,
    private readonly windowMs = TOKEN_BATCH_WINDOW_MS,
    private readonly maxChars = TOKEN_BATCH_MAX_CHARS,
  ) {}

  add(seq: number, delta: string): void {
    if (this.failure) throw this.failure.error;
    if (this.pending) {
      this.pending.seq = seq;
      this.pending.delta += delta;
    } else {
      this.pending = { firstSeq: seq, seq, delta };
    }
    if (this.first || this.pending.delta.length >= this.maxChars) {
      this.first = false;
      this.flush();
    } else {
      this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    }
  }

  /** Sends what is held and waits for every event to be sent. */
  async drain(): Promise<void> {
    this.flush();
    await this.sending;
    if (this.failure) throw this.failure.error;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    if (!batch) return;
    this.pending = null;
    // Chained, not awaited: the bus keeps the order, and the answer reads on while the event is written.
    const sent = this.send(batch).catch((error: unknown) => {
      this.failure ??= { error };
    });
    this.sending = this.sending.then(() => sent);
  }
}
