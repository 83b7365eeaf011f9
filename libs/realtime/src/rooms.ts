/** The Socket.IO rooms: a user's sockets, a sign-in session's sockets, a chat's members. Named here only. */
export type Room = `user_${number}` | `session_${string}` | `chat_${number}`;

const CHAT_ROOM = /^chat_(\d+)$/;

export const rooms = {
  user: (userId: number): Room => `user_${userId}`,
  session: (sessionId: string): Room => `session_${sessionId}`,
  chat: (chatId: number): Room => `chat_${chatId}`,
  /** The chat a room is for, or undefined for any other room (a socket's own, a user's). */
  chatOf: (room: string): number | undefined => {
    const match = CHAT_ROOM.exec(room);
    return match ? Number(match[1]) : undefined;
  },
};
