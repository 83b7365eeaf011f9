import { AgentsRepository } from './agents.repository';
import { ChatsRepository } from './chats.repository';

export * from './agents.repository';
export * from './chats.repository';

/** Provided and exported by DatabaseModule. */
export const REPOSITORIES = [AgentsRepository, ChatsRepository];
