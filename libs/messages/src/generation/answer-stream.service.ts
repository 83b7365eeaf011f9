import { Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { Message, MessagesRepository } from '#database';
import { NotFoundError } from '#common';
import type { ResumePoint } from '../last-event-id';
import { finalEvent } from './final-event';
import { GenerationEvents, isAnswerEnd } from './generation-events';
import type { GenerationEvent } from './generation-events';
import type { Unsubscribe } from '#realtime';
import { StreamSlots } from './stream-slots';
import type { AuthUser } from '#auth';

const HEARTBEAT_MS = 15_000;
/** How long a follower hears nothing of a `streaming` answer before the store is asked whether it ended unheard. */
const STORE_CHECK_MS = 1_000;
/** The `retry:` hint sent at the start of every stream. */
export const SSE_RETRY_MS = 3_000;

function dataOf(event: GenerationEvent): object {
  switch (event.type) {
    case 'token':
      return { message_id: event.message_id, first_seq: event.first_seq, seq: event.seq, delta: event.delta };
    case 'tool_call':
    case 'tool_result':
      return { message_id: event.message_id, seq: event.seq, ...event.part };
    case 'done':
      return event.message;
    case 'error':
      return { message_id: event.message_id, detail: event.detail, message: event.message };
  }
}

function format(event: GenerationEvent): string {
  const data = dataOf(event);
  return `id: ${event.message_id}:${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Server-Sent Events for a chat's answer: the in-flight answer is replayed
 * (from the start or after Last-Event-ID) and then followed live, with no gap
 * and no duplicate; with nothing in flight, the latest answer as logged
 * (tokens, then `done`) or, once its log has expired, its `done`. When there
 * is nothing to send (no answer yet, or the client already has all of it): 204.
 */
@Injectable()
export class AnswerStreamService {
  private readonly logger = new Logger('AnswerStream');

  constructor(
    private readonly store: MessagesRepository,
    private readonly events: GenerationEvents,
    private readonly slots: StreamSlots,
  ) {}

  /**
   * The chat's latest answer as events after `afterSeq`: its logged events when
   * in flight, else its final event. (Sockets use this to resume.)
   */
  async replay(chatId: number, afterSeq: number): Promise<{ messageId: number | null; events: GenerationEvent[] }> {
    const latest = await this.latestAnswer(chatId);
    if (!latest) return { messageId: null, events: [] };
    if (latest.status !== 'streaming') return { messageId: latest.id, events: await this.endedAnswer(latest, afterSeq) };
    const events = await this.events.history(latest.id, afterSeq);
    return { messageId: latest.id, events };
  }

  async follow(user: AuthUser, chatId: number, resume: ResumePoint | undefined, response: Response): Promise<void> {
    // Before any wait, so the slot is given back however the response ends (404, done, client gone).
    response.on('close', this.slots.take(user.id));
    const latest = await this.store.findOwnActiveAnswer(user.id, chatId);
    if (latest === undefined) throw new NotFoundError('Chat not found');

    const { messageId, seq } = resume ?? { seq: 0 };
    let lastSeq = messageId === undefined || messageId === latest?.id ? seq : 0;
    const ended = !latest || latest.status !== 'streaming' ? (latest ? await this.endedAnswer(latest, lastSeq) : []) : null;
    // Nothing to send: 204, on which EventSource stops instead of reconnecting in a loop.
    if (ended?.length === 0) {
      response.status(204).end();
      return;
    }

    response.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Tells nginx not to buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    // How long EventSource waits before reconnecting (with Last-Event-ID) if the connection drops.
    response.write(`retry: ${SSE_RETRY_MS}\n\n`);
    if (ended || !latest) {
      response.end((ended ?? []).map(format).join(''));
      return;
    }

    let finished = false;
    let heard = false;
    let live: GenerationEvent[] | null = [];

    // Events that are new to the client, as one write; the stream ends with the answer's final event.
    const write = (events: GenerationEvent[]) => {
      let text = '';
      let ends = false;
      for (const event of events) {
        if (finished || ends || event.message_id !== latest.id || event.seq <= lastSeq) continue;
        lastSeq = event.seq;
        text += format(event);
        ends = isAnswerEnd(event);
      }
      if (!text) return;
      heard = true;
      response.write(text);
      if (ends) finish();
    };
    let unsubscribe: Unsubscribe | null = null;
    let heartbeat: NodeJS.Timeout | null = null;
    let storeCheck: NodeJS.Timeout | null = null;
    const leave = (stop: Unsubscribe) =>
      stop().catch((error: unknown) => this.logger.warn({ err: error, chat_id: chatId }, 'Could not unsubscribe from a chat feed'));
    const finish = () => {
      if (finished) return;
      finished = true;
      if (heartbeat) clearInterval(heartbeat);
      if (storeCheck) clearTimeout(storeCheck);
      if (unsubscribe) void leave(unsubscribe);
      response.end();
    };
    // Before the first wait: a client gone meanwhile must not leave a subscription and timers behind.
    response.on('close', finish);
    // Subscribe before reading the log, holding live events until the replay is written.
    const subscribed = await this.events.subscribe(chatId, (event) => (live ? live.push(event) : write([event])));
    if (finished) return void leave(subscribed);
    unsubscribe = subscribed;
    heartbeat = setInterval(() => response.write(': ping\n\n'), HEARTBEAT_MS);
    storeCheck = setTimeout(() => {
      if (!heard && !finished) void this.endIfAlreadyOver(latest.id, write);
    }, STORE_CHECK_MS);

    const logged = await this.events.history(latest.id, lastSeq);
    const held = live;
    live = null;
    write([...logged, ...held]);
  }

  /**
   * An answer that has ended: its logged events while the log lasts, so a
   * client that connects a moment too late still gets every token, exactly
   * as if it had been on time; after that, only its final event.
   */
  private async endedAnswer(message: Message, afterSeq: number): Promise<GenerationEvent[]> {
    const logged = await this.events.history(message.id, 0);
    const end = logged.find(isAnswerEnd);
    if (!end) return [finalEvent(message, 0)];
    // Resuming right after the logged end: the client has it all.
    if (afterSeq === end.seq) return [];
    return afterSeq < end.seq ? logged.filter((event) => event.seq > afterSeq) : [finalEvent(message, 0)];
  }

  /**
   * An answer still `streaming` when read, of which nothing was heard since:
   * it may have ended before we subscribed, its end not logged (the log
   * expired, or the bus was down when it ended). Then what is stored is sent.
   */
  private async endIfAlreadyOver(messageId: number, write: (events: GenerationEvent[]) => void): Promise<void> {
    const message = await this.store.findById(messageId).catch((error: unknown) => {
      this.logger.warn({ err: error, message_id: messageId }, 'Could not check whether an answer had ended');
      return null;
    });
    // A deleted answer's run tells its followers itself (as stopped).
    if (message && message.status !== 'streaming') write([finalEvent(message, Number.MAX_SAFE_INTEGER)]);
  }

  private latestAnswer(chatId: number): Promise<Message | null> {
    return this.store.findActiveAnswer(chatId);
  }
}
