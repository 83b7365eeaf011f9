import { io, type Socket } from 'socket.io-client';
import type { DocumentInfo, Message } from './api';
import { streamTicket } from './api';

/**
 * The server's Socket.IO events used here (libs/realtime/src/socket-events.ts, the source of truth),
 * with the message and document shapes from the generated OpenAPI types.
 */
export interface ServerEvents {
  connected: (payload: { sid: string }) => void;
  message_created: (payload: { chat_id: number; user_message?: Message; assistant_message: Message }) => void;
  message_token: (payload: { chat_id: number; message_id: number; first_seq: number; seq: number; delta: string }) => void;
  message_done: (payload: { chat_id: number; seq: number; message: Message }) => void;
  message_error: (payload: { chat_id: number; message_id: number; seq: number; detail: string; message: Message }) => void;
  document_status: (payload: { id: number; status: DocumentInfo['status']; progress: number; error?: string | null }) => void;
}

type Ack<T> = ({ ok: true } & T) | { ok: false; detail: unknown };

export interface ClientEvents {
  join_chat: (payload: { chat_id: number }, ack: (ack: Ack<{ chat_id: number }>) => void) => void;
  send_message: (
    payload: { chat_id: number; content: string; document_ids?: number[]; idempotency_key?: string },
    ack: (ack: Ack<{ user_message: Message; assistant_message: Message }>) => void,
  ) => void;
  stop_generation: (payload: { message_id: number }, ack: (ack: Ack<{ message: Message }>) => void) => void;
}

export type LiveSocket = Socket<ServerEvents, ClientEvents>;

/** What the page does with streamed answers, whichever transport brings them. */
export interface AnswerHandlers {
  /** An answer begins (with the question it answers, when new). */
  created(chatId: number, message: Message, question?: Message): void;
  token(chatId: number, messageId: number, delta: string): void;
  done(chatId: number, message: Message): void;
  failed(chatId: number, message: Message, detail: string): void;
  documentStatus(id: number, status: string, progress: number, error?: string | null): void;
}

/** Connects Socket.IO with the access token; resolves undefined when it cannot (the page then uses SSE). */
export function connectSocket(token: string, handlers: AnswerHandlers, timeoutMs = 5000): Promise<LiveSocket | undefined> {
  const socket: LiveSocket = io({ path: '/ws/socket.io', auth: { token }, transports: ['websocket', 'polling'] });
  socket.on('message_created', (p) => handlers.created(p.chat_id, p.assistant_message, p.user_message));
  socket.on('message_token', (p) => handlers.token(p.chat_id, p.message_id, p.delta));
  socket.on('message_done', (p) => handlers.done(p.chat_id, p.message));
  socket.on('message_error', (p) => handlers.failed(p.chat_id, p.message, p.detail));
  socket.on('document_status', (p) => handlers.documentStatus(p.id, p.status, p.progress, p.error));
  return new Promise((resolve) => {
    const timer = setTimeout(() => give(undefined), timeoutMs);
    function give(value: LiveSocket | undefined): void {
      clearTimeout(timer);
      if (!value) socket.close();
      resolve(value);
    }
    socket.once('connected', () => give(socket));
    socket.once('connect_error', () => give(undefined));
  });
}

export function emit<T>(send: (ack: (ack: Ack<T>) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    send((ack) => (ack.ok ? resolve(ack) : reject(new Error(typeof ack.detail === 'string' ? ack.detail : JSON.stringify(ack.detail))))),
  );
}

/**
 * Follows a chat's answer in progress over SSE (a ticket URL: EventSource cannot send headers).
 * Resolves once the answer ends, or at once when nothing is in progress (204).
 */
export async function followOverSse(chatId: number, handlers: AnswerHandlers): Promise<void> {
  const url = await streamTicket(chatId);
  if (!url) return;
  await new Promise<void>((resolve) => {
    const source = new EventSource(url);
    const end = (): void => {
      source.close();
      resolve();
    };
    source.addEventListener('token', (event) => {
      const { message_id, delta } = JSON.parse((event as MessageEvent<string>).data) as { message_id: number; delta: string };
      handlers.token(chatId, message_id, delta);
    });
    source.addEventListener('done', (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as Message | { message: Message };
      handlers.done(chatId, 'message' in data ? data.message : data);
      end();
    });
    source.addEventListener('error', (event) => {
      // A server `error` event carries data; a transport error does not (EventSource would retry: stop).
      if (event instanceof MessageEvent && typeof event.data === 'string') {
        const data = JSON.parse(event.data) as { detail?: string; message?: Message };
        if (data.message) handlers.failed(chatId, data.message, data.detail ?? 'failed');
      }
      end();
    });
  });
}
