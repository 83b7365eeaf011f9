import type { ErrorAck } from '#common';
import type { DocumentStatus, ToolCallPart, ToolResultPart } from '#database';
// Type-only: sockets carry Messages' wire shape; Realtime has no runtime dependency on Messages.
import type { MessageResponse } from '#messages';

/**
 * Every event the server sends, by name: its payload (README "Realtime").
 * A new server event is one line here; publishers and tests are then checked against it.
 */
export interface ServerEvents {
  /** On connect; the socket is in its user's and its session's rooms. */
  connected: { sid: string };
  user_typing: { chat_id: number; user_id: number; trigramme: string; is_typing: boolean };
  /**
   * A send or an edit (both messages) or a regenerate (the answer alone). The
   * new answer is the chat's active leaf: when its question's parent (or, for
   * a regenerate, the answer's parent) is not the previous leaf, it starts a new branch.
   */
  message_created: { chat_id: number; user_message?: MessageResponse; assistant_message: MessageResponse };
  /** The chat switched branch (PUT /api/chats/{id}/active-leaf): reload its messages (the active path). */
  active_leaf_changed: { chat_id: number; active_leaf_id: number };
  /** Tokens first_seq..seq of an answer (seq counts its tokens and tool events from 1), their text joined: tokens that came within a few ms go together. */
  message_token: { chat_id: number; message_id: number; first_seq: number; seq: number; delta: string };
  /** The answer calls a tool: the part as stored in the message's `parts`. */
  message_tool_call: { chat_id: number; message_id: number; seq: number } & ToolCallPart;
  /** A tool call's result (or error, as the model was told). */
  message_tool_result: { chat_id: number; message_id: number; seq: number } & ToolResultPart;
  message_done: { chat_id: number; seq: number; message: MessageResponse };
  message_error: { chat_id: number; message_id: number; seq: number; detail: string; message: MessageResponse };
  document_status: DocumentStatusPayload;
}

export interface DocumentStatusPayload {
  id: number;
  status: DocumentStatus;
  /** 0..1 while processing. */
  progress: number;
  error?: string | null;
}

/** Every event a client sends, by name: its payload, and what its ack carries besides `ok: true`. */
export interface ClientEvents {
  join_chat: { payload: { chat_id: number }; ack: { chat_id: number } };
  leave_chat: { payload: { chat_id: number }; ack: { chat_id: number } };
  typing: { payload: { chat_id: number; is_typing: boolean }; ack: { sent: boolean } };
  send_message: {
    payload: { chat_id: number; content: string; document_ids?: number[]; idempotency_key?: string };
    ack: { user_message: MessageResponse; assistant_message: MessageResponse };
  };
  stop_generation: { payload: { message_id: number }; ack: { message: MessageResponse } };
  /** Joins the chat and replays its in-flight answer after `after_seq` to this socket. */
  resume: { payload: { chat_id: number; after_seq?: number }; ack: { message_id: number | null; replayed: number } };
}

export type ServerEventName = keyof ServerEvents;
export type ClientEventName = keyof ClientEvents;
export type ClientPayload<E extends ClientEventName> = ClientEvents[E]['payload'];
export type ClientAck<E extends ClientEventName> = ClientEvents[E]['ack'];

/** Every client event is acknowledged: its result, or why it was refused. */
export type Ack<T extends object = object> = ({ ok: true } & T) | ErrorAck;

/** One server event with its payload, as a value (a publisher's message, a replayed answer event). */
export type SocketEvent = { [E in ServerEventName]: { name: E; payload: ServerEvents[E] } }[ServerEventName];

/** The maps in Socket.IO's typed form: `Server<ClientToServerEvents, ServerToClientEvents>`, `Socket` of the client the other way round. */
export type ServerToClientEvents = { [E in ServerEventName]: (payload: ServerEvents[E]) => void };
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: ClientPayload<E>, ack: (ack: Ack<ClientAck<E>>) => void) => void;
};

/** Emits one event through any Socket.IO emitter (a socket, a room of a server). */
export function emitSocketEvent(target: { emit(name: string, payload: unknown): unknown }, event: SocketEvent): void {
  target.emit(event.name, event.payload);
}
