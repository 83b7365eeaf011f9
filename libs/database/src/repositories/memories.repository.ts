import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, LessThan } from 'typeorm';
import { Memory } from '../entities/memory.entity';
import type { PageRange } from './page-range';
import { ScopedSearch, SearchableRows } from './search/scoped-search';
import { tsvectorSql, unaccent } from './search/text-search';

/** A memory to store; `embedding` is absent when no embedding model is set or embedding failed. */
export interface NewMemory {
  userId: number;
  agentId: number;
  content: string;
  sourceMessageId: number;
  embedding: { vector: number[]; model: string } | null;
}

/** Every query on memories: always one user's with one agent, never anyone else's. */
@Injectable()
export class MemoriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get memories() {
    return this.dataSource.getRepository(Memory);
  }

  /** A page of the user's memories with the agent, newest first (`before`: a memory id). */
  listPage(userId: number, agentId: number, { limit, before }: PageRange): Promise<Memory[]> {
    return this.memories.find({
      where: { user_id: userId, agent_id: agentId, ...(before ? { id: LessThan(before) } : {}) },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  existFor(userId: number, agentId: number): Promise<boolean> {
    return this.memories.existsBy({ user_id: userId, agent_id: agentId });
  }

  async contentsFor(userId: number, agentId: number): Promise<string[]> {
    const memories = await this.memories.find({ select: { content: true }, where: { user_id: userId, agent_id: agentId } });
    return memories.map((memory) => memory.content);
  }

  /** Contents by id (ids not found are left out). */
  async contentsByIds(ids: number[]): Promise<Map<number, string>> {
    const memories = await this.memories.find({ select: { id: true, content: true }, where: { id: In(ids) } });
    return new Map(memories.map((memory) => [memory.id, memory.content]));
  }

  /** The user's memories with the agent, for hybrid search. */
  searchable(userId: number, agentId: number): SearchableRows {
    return new ScopedSearch(this.dataSource, { from: 'memories m', where: 'm.user_id = $1 AND m.agent_id = $2', params: [userId, agentId], alias: 'm' });
  }

  /** Indexed for full-text search and, with a vector, for vector search. */
  async insert(memory: NewMemory): Promise<void> {
    const { embedding } = memory;
    await this.dataSource.query(
      `INSERT INTO memories (user_id, agent_id, content, source_message_id, tsv, embedding, embedding_model, embedding_dim)
       VALUES ($1, $2, $3, $4, ${tsvectorSql('$5')}, $6, $7, $8)`,
      [
        memory.userId,
        memory.agentId,
        memory.content,
        memory.sourceMessageId,
        unaccent(memory.content),
        embedding?.vector ?? null,
        embedding?.model ?? null,
        embedding?.vector.length ?? null,
      ],
    );
  }

  /** Forgets one memory, or all the user's with the agent when `id` is absent; returns how many. */
  async deleteFor(userId: number, agentId: number, id?: number): Promise<number> {
    const { affected } = await this.memories.delete({ user_id: userId, agent_id: agentId, ...(id ? { id } : {}) });
    return affected ?? 0;
  }

  /** Everything learnt by the agent, from every user. */
  async deleteForAgent(agentId: number): Promise<void> {
    await this.memories.delete({ agent_id: agentId });
  }
}
