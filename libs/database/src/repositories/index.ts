import { AgentsRepository } from './agents.repository';
import { AnswerEndingsRepository } from './answer-endings.repository';
import { DatabaseProbe } from './database-probe';
import { ChatsRepository } from './chats.repository';
import { DocumentsRepository } from './documents.repository';
import { GroupsRepository } from './groups.repository';
import { MemoriesRepository } from './memories.repository';
import { MessagesRepository } from './messages.repository';
import { SessionsRepository } from './sessions.repository';
import { UsersRepository } from './users.repository';
import { UsageRepository } from './usage.repository';
import { AuditRepository } from './audit.repository';
import { UsageReportsRepository } from './usage-reports.repository';
import { AgentDirectoryRepository } from './agent-directory.repository';
import { BudgetsRepository } from './budgets.repository';

export * from './agents.repository';
export * from './answer-endings.repository';
export * from './database-probe';
export * from './chats.repository';
export * from './documents.repository';
export * from './groups.repository';
export * from './locked-uploads';
export * from './search/lexical-search';
export * from './search/scoped-search';
export * from './search/text-search';
export * from './memories.repository';
export * from './messages.repository';
export * from './page-range';
export * from './sessions.repository';
export * from './users.repository';
export * from './usage.repository';
export * from './audit.repository';
export * from './usage-reports.repository';
export * from './agent-directory.repository';
export * from './budgets.repository';

/** Provided and exported by DatabaseModule. */
export const REPOSITORIES = [AgentsRepository, AnswerEndingsRepository, DatabaseProbe, ChatsRepository, DocumentsRepository, GroupsRepository, MemoriesRepository, MessagesRepository, SessionsRepository, UsersRepository, UsageRepository, AuditRepository, UsageReportsRepository, AgentDirectoryRepository, BudgetsRepository];
