import { Agent } from './agent.entity';
import { Chat } from './chat.entity';
import { Document } from './document.entity';
import { DocumentChunk } from './document-chunk.entity';
import { DocumentPage } from './document-page.entity';
import { Memory } from './memory.entity';
import { Message } from './message.entity';
import { Session } from './session.entity';
import { User } from './user.entity';

export { Agent, Chat, Document, DocumentChunk, DocumentPage, Memory, Message, Session, User };
export * from './document.entity';
export * from './embedding-columns';
export * from './message.entity';
export { agentUsableBy } from './agent.entity';
export { DEFAULT_CHAT_TITLE } from './chat.entity';

export const ENTITIES = [User, Session, Agent, Chat, Message, Document, DocumentPage, DocumentChunk, Memory];
