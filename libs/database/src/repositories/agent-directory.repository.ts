import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Agent } from '../entities/agent.entity';
import type { AgentVisibility } from '../entities/agent.entity';
import type { PageRange } from './page-range';

export interface AgentDirectoryQuery extends PageRange {
  /** Part of the name. */
  q?: string;
  ownerId?: number;
  visibility?: AgentVisibility;
  /** Soft-deleted agents too. */
  includeDeleted: boolean;
}

/** An agent as the admins' directory shows it. */
export interface AgentDirectoryEntry {
  /** With its owner loaded. */
  agent: Agent;
  group_ids: number[];
  chat_count: number;
  /** The time of the latest message in its chats (chats deleted since do not count); null when none. */
  last_used_at: Date | null;
  /** Thumbs up and down on the answers of its chats (feedback goes with its answer, chat or author). */
  feedback_up: number;
  feedback_down: number;
}

/** Every agent of every user, for the admins: a page and each agent's sharing and activity. */
@Injectable()
export class AgentDirectoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest first; `before` is an agent id. */
  async page(query: AgentDirectoryQuery): Promise<AgentDirectoryEntry[]> {
    const builder = this.dataSource
      .getRepository(Agent)
      .createQueryBuilder('agent')
      .leftJoinAndSelect('agent.owner', 'owner')
      .orderBy('agent.id', 'DESC')
      .limit(query.limit);
    if (query.includeDeleted) builder.withDeleted();
    if (query.q) {
      const pattern = `%${query.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      builder.andWhere('agent.name ILIKE :pattern', { pattern });
    }
    if (query.ownerId !== undefined) builder.andWhere('agent.owner_id = :ownerId', { ownerId: query.ownerId });
    if (query.visibility) builder.andWhere('agent.visibility = :visibility', { visibility: query.visibility });
    if (query.before) builder.andWhere('agent.id < :before', { before: query.before });
    const agents = await builder.getMany();
    if (agents.length === 0) return [];

    const ids = agents.map((agent) => agent.id);
    const [shares, activity, ratings]: [
      { agent_id: number; group_id: number }[],
      { agent_id: number; chats: string; last_used_at: Date | null }[],
      { agent_id: number; up: string; down: string }[],
    ] = await Promise.all([
        this.dataSource.query('SELECT agent_id, group_id FROM agent_groups WHERE agent_id = ANY($1) ORDER BY group_id', [ids]),
        // The latest message of each chat is the last by id (IDX_messages_chat_id_id), so no chat's messages are scanned.
        this.dataSource.query(
          `SELECT c.agent_id, count(*) AS chats, max(latest.created_at) AS last_used_at
           FROM chats c
           LEFT JOIN LATERAL (SELECT m.created_at FROM messages m WHERE m.chat_id = c.id ORDER BY m.id DESC LIMIT 1) latest ON true
           WHERE c.agent_id = ANY($1) GROUP BY c.agent_id`,
          [ids],
        ),
        this.dataSource.query(
          `SELECT c.agent_id, count(*) FILTER (WHERE f.rating = 1) AS up, count(*) FILTER (WHERE f.rating = -1) AS down
           FROM message_feedback f JOIN messages m ON m.id = f.message_id JOIN chats c ON c.id = m.chat_id
           WHERE c.agent_id = ANY($1) GROUP BY c.agent_id`,
          [ids],
        ),
      ]);
    return agents.map((agent) => {
      const used = activity.find((row) => row.agent_id === agent.id);
      const rated = ratings.find((row) => row.agent_id === agent.id);
      return {
        agent,
        group_ids: shares.filter((share) => share.agent_id === agent.id).map((share) => share.group_id),
        chat_count: used ? Number(used.chats) : 0,
        last_used_at: used?.last_used_at ? new Date(used.last_used_at) : null,
        feedback_up: rated ? Number(rated.up) : 0,
        feedback_down: rated ? Number(rated.down) : 0,
      };
    });
  }
}
