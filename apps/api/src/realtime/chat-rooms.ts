import { Injectable } from '@nestjs/common';
import { ChatsService } from '#chats';
import { AnswerStreamService, socketEventOf } from '#messages';
import { emitSocketEvent, RealtimePublisher, rooms } from '#realtime';
import type { ClientAck, ClientPayload } from '#realtime';
import type { ChatSocket } from './chat-socket';
import { SocketRelay } from './socket-relay';

const TYPING_INTERVAL_MS = 1000;

/** A socket in chat rooms: joining only the user's own chats, typing to the other members, resuming an answer. */
@Injectable()
export class ChatRooms {
  constructor(
    private readonly chats: ChatsService,
    private readonly answers: AnswerStreamService,
    private readonly relay: SocketRelay,
    private readonly realtime: RealtimePublisher,
  ) {}

  async join(socket: ChatSocket, chatId: number): Promise<ClientAck<'join_chat'>> {
    const chat = await this.chats.findOwn(socket.data.user, chatId);
    await socket.join(rooms.chat(chat.id));
    await this.relay.ready(chat.id);
    return { chat_id: chat.id };
  }

  async leave(socket: ChatSocket, chatId: number): Promise<ClientAck<'leave_chat'>> {
    await socket.leave(rooms.chat(chatId));
    return { chat_id: chatId };
  }

  /** Members only; throttled per socket: a repeat of the same state within a second is dropped. */
  typing(socket: ChatSocket, { chat_id, is_typing }: ClientPayload<'typing'>): ClientAck<'typing'> {
    if (!socket.rooms.has(rooms.chat(chat_id))) return { sent: false };
    const last = socket.data.typingSentAt.get(chat_id);
    const now = Date.now();
    if (last && last.isTyping === is_typing && now - last.at < TYPING_INTERVAL_MS) return { sent: false };
    socket.data.typingSentAt.set(chat_id, { at: now, isTyping: is_typing });
    const { user } = socket.data;
    this.realtime.toChat(chat_id).except(socket.id).emit('user_typing', { chat_id, user_id: user.id, trigramme: user.trigramme, is_typing });
    return { sent: true };
  }

  /** Joins the chat and replays its in-flight answer after `after_seq` to this socket; live events follow in the room. */
  async resume(socket: ChatSocket, { chat_id, after_seq = 0 }: ClientPayload<'resume'>): Promise<ClientAck<'resume'>> {
    const joined = await this.join(socket, chat_id);
    const replay = await this.answers.replay(joined.chat_id, after_seq);
    for (const event of replay.events) emitSocketEvent(socket, socketEventOf(event));
    return { message_id: replay.messageId, replayed: replay.events.length };
  }
}
