import { Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { Message, MessagesRepository } from '#database';
import { ChatsService } from '#chats';
import type { ResumePoint } from '../last-event-id';
import { finalEvent } from './final-event';
import { GenerationEvents } from './generation-events';
import type { GenerationEvent } from './generation-events';
import { StreamSlots } from './stream-slots';
import type { AuthUser } from '#auth';

const HEARTBEAT_MS = 15_000;
/** The `retry:` hint sent at the start of every stream. */
export const SSE_RETRY_MS = 3_000;

function format(event: GenerationEvent): string {
  const data =
    event.type === 'token'
      ? { message_id: event.message_id, seq: event.seq, delta: event.delta }
      : event.type === 'done'
        ? event.message
        : { message_id: event.message_id, detail: event.detail, message: event.message };
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
    private readonly chats: ChatsService,
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
    // Both at once; the answer is only used once the chat is known to be the caller's.
    const [chat, latest] = await Promise.all([this.chats.findOwn(user, chatId), this.latestAnswer(chatId)]);

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
      for (const event of ended ?? []) response.write(format(event));
      response.end();
      return;
    }

    let finished = false;
    let live: GenerationEvent[] | null = [];

    const write = (event: GenerationEvent) => {
      if (finished || event.message_id !== latest.id || event.seq <= lastSeq) return;
      lastSeq = event.seq;
      response.write(format(event));
      if (event.type !== 'token') finish();
    };
    // Subscribe before reading the log, holding live events until the replay is written.
    const unsubscribe = await this.events.subscribe(chat.id, (event) => (live ? live.push(event) : write(event)));
    const heartbeat = setInterval(() => response.write(': ping\n\n'), HEARTBEAT_MS);
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(heartbeat);
      unsubscribe().catch((error: unknown) =>
        this.logger.warn({ err: error, chat_id: chat.id }, 'Could not unsubscribe from a chat feed'),
      );
      response.end();
    };
    response.on('close', finish);

    for (const event of await this.events.history(latest.id, lastSeq)) write(event);
    const held = live;
    live = null;
    for (const event of held) write(event);
    if (!finished) await this.endIfAlreadyOver(latest.id, write);
  }

  /**
   * An answer that has ended: its logged events while the log lasts, so a
   * client that connects a moment too late still gets every token, exactly
   * as if it had been on time; after that, only its final event.
   */
  private async endedAnswer(message: Message, afterSeq: number): Promise<GenerationEvent[]> {
    const ends = (events: GenerationEvent[]) => events.some((event) => event.type !== 'token');
    const logged = await this.events.history(message.id, afterSeq);
    if (ends(logged)) return logged;
    // Resuming right after the logged end: the client has it all.
    if (afterSeq > 0 && ends(await this.events.history(message.id, afterSeq - 1))) return [];
    return [finalEvent(message, 0)];
  }

  /** The answer may have ended before we subscribed and its log expired: send what is stored. */
  private async endIfAlreadyOver(messageId: number, write: (event: GenerationEvent) => void): Promise<void> {
    const message = await this.store.findById(messageId);
    // A deleted answer's run tells its followers itself (as stopped).
    if (message && message.status !== 'streaming') write(finalEvent(message, Number.MAX_SAFE_INTEGER));
  }

  private latestAnswer(chatId: number): Promise<Message | null> {
    return this.store.findActiveAnswer(chatId);
  }
}
