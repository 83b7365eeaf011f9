import { AgentsRepository } from './agents.repository';
import { ChatsRepository } from './chats.repository';
import { MessagesRepository } from './messages.repository';

export * from './agents.repository';
export * from './chats.repository';
export * from './messages.repository';

/** Provided and exported by DatabaseModule. */
export const REPOSITORIES = [AgentsRepository, ChatsRepository, MessagesRepository];
