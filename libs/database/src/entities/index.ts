import { Agent } from './agent.entity';
import { Chat } from './chat.entity';
import { Document } from './document.entity';
import { DocumentChunk } from './document-chunk.entity';
import { DocumentPage } from './document-page.entity';
import { Memory } from './memory.entity';
import { Message } from './message.entity';
import { Session } from './session.entity';
import { User } from './user.entity';
import { AgentGroup, Group, GroupMember } from './group.entity';
import { AuditEvent } from './audit-event.entity';
import { Budget } from './budget.entity';
import { UsageRecord } from './usage-record.entity';
import { MessageFeedback } from './feedback.entity';
import { ShareLink } from './share-link.entity';

export { Agent, AgentGroup, AuditEvent, Budget, Chat, Document, DocumentChunk, DocumentPage, Group, GroupMember, Memory, Message, MessageFeedback, Session, ShareLink, UsageRecord, User };
export * from './audit-event.entity';
export * from './budget.entity';
export * from './usage-record.entity';
export * from './document.entity';
export * from './embedding-columns';
export * from './message.entity';
export { AGENT_VISIBILITIES, agentUsableBy } from './agent.entity';
export type { AgentVisibility } from './agent.entity';
export { DEFAULT_CHAT_TITLE } from './chat.entity';

export const ENTITIES = [User, Session, Agent, Chat, Message, Document, DocumentPage, DocumentChunk, Memory, Group, GroupMember, AgentGroup, UsageRecord, Budget, AuditEvent, MessageFeedback, ShareLink];
