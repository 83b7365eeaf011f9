import { Injectable } from '@nestjs/common';
import { toPage } from '#common';
import { AgentDirectoryRepository } from '#database';
import type { AgentDirectoryEntry } from '#database';
import type { AdminAgentPage, AdminAgentResponse, ListAllAgentsQuery } from './admin-agents.dto';

function presentEntry({ agent, group_ids, chat_count, last_used_at, feedback_up, feedback_down }: AgentDirectoryEntry): AdminAgentResponse {
  const { id, name, visibility, model, fallback_models, created_at, updated_at, deleted_at } = agent;
  // The owner is always there: an agent goes with its owner's account.
  const owner = { id: agent.owner_id, email: agent.owner?.email ?? '', trigramme: agent.owner?.trigramme ?? '' };
  return { id, name, owner, visibility, group_ids, model, fallback_models, chat_count, last_used_at, feedback_up, feedback_down, created_at, updated_at, deleted_at };
}

/** Every agent of every user, for the admins, whatever its visibility. */
@Injectable()
export class AdminAgentsService {
  constructor(private readonly directory: AgentDirectoryRepository) {}

  async list(query: ListAllAgentsQuery): Promise<AdminAgentPage> {
    const rows = await this.directory.page({
      limit: query.limit + 1,
      before: query.before,
      q: query.q,
      ownerId: query.owner_id,
      visibility: query.visibility,
      includeDeleted: query.include_deleted,
    });
    return toPage(rows, query.limit, presentEntry, (row) => row.agent.id);
  }
}
