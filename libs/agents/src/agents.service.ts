import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { ForbiddenError, NotFoundError, toPage, ValidationError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { AgentsRepository, MemoriesRepository } from '#database';
import type { Agent, PageRange } from '#database';
import { ModelCatalog } from '#llm';
import { Retriever } from '#retrieval';
import type { SearchQuery, SearchResponse } from '#retrieval';
import { DocumentStorage } from '#documents';
import { AgentPage, AgentResponse, MemoryPage, presentAgent } from './agent.presenter';
import type { CreateAgentDto, UpdateAgentDto } from './dto/agent.dto';
import type { AuthUser } from '#auth';

/** The public catalogue's cache entry; dropped on every change to any agent. */
export const PUBLIC_AGENTS_CACHE_KEY = 'agents:public';
const PUBLIC_AGENTS_TTL_MS = 300_000;

/** The cached catalogue: ids in catalogue order, and each agent's JSON at the same index. */
interface PublicCatalogue {
  ids: number[];
  agents: string[];
}

@Injectable()
export class AgentsService {
  constructor(
    private readonly agents: AgentsRepository,
    private readonly memories: MemoriesRepository,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly models: ModelCatalog,
    private readonly documents: DocumentStorage,
    private readonly retriever: Retriever,
  ) {}

  /**
   * A page of public agents (by name, then id) as a JSON `AgentPage` body,
   * cut from the whole catalogue held in the cache (shared through Redis when
   * configured). Each agent is cached already serialised: deserialising and
   * re-serialising the objects took 9% of this route's CPU (profiled).
   * `before` is the last agent seen; one no longer public is refused (422):
   * its place in the order is unknown, so the client lists again from the start.
   */
  async listPublicJson(query: PageRange): Promise<string> {
    const catalogue = await this.publicCatalogue();
    const start = query.before ? catalogue.ids.indexOf(query.before) + 1 : 0;
    if (query.before && start === 0) {
      throw new ValidationError([{ loc: ['query', 'before'], msg: 'before is no longer a public agent: list again from the first page' }]);
    }
    const rows = catalogue.ids.slice(start, start + query.limit + 1).map((id, i) => ({ id, json: catalogue.agents[start + i] }));
    const page = toPage(rows, query.limit, (row) => row.json, (row) => row.id);
    return `{"items":[${page.items.join(',')}],"next_before":${page.next_before}}`;
  }

  /** My agents, most recently changed first. */
  async listMine(user: AuthUser, query: PageRange): Promise<AgentPage> {
    const rows = await this.agents.listOwnedPage(user.id, { limit: query.limit + 1, before: query.before });
    return toPage(rows, query.limit, presentAgent, (agent) => agent.id);
  }

  async create(user: AuthUser, body: CreateAgentDto): Promise<AgentResponse> {
    const model = body.model ?? this.models.defaultChatModel();
    this.checkModelAndPrompt({ ...body, model });
    const { is_public, ...fields } = body;
    const id = await this.agents.insert({ ...fields, visibility: is_public ? 'public' : 'private', model, owner_id: user.id });
    await this.invalidateCatalogue();
    return this.get(user, id);
  }

  async get(user: AuthUser, id: number): Promise<AgentResponse> {
    return presentAgent(await this.findVisible(user, id));
  }

  async update(user: AuthUser, id: number, body: UpdateAgentDto): Promise<AgentResponse> {
    const agent = await this.findEditable(user, id);
    this.checkModelAndPrompt(body);
    const { is_public, ...fields } = body;
    await this.agents.update(agent.id, { ...fields, ...(is_public === undefined ? {} : { visibility: is_public ? 'public' : 'private' }) });
    await this.invalidateCatalogue();
    return this.get(user, id);
  }

  /** Soft delete: chats keep their history; new messages to them are refused. Its documents go. */
  async remove(user: AuthUser, id: number): Promise<void> {
    const agent = await this.findEditable(user, id);
    await this.agents.softDelete(agent.id);
    await this.documents.removeForEntity('agent', agent.id);
    await this.memories.deleteForAgent(agent.id);
    await this.invalidateCatalogue();
  }

  /** What this agent learnt about me (never about anyone else), newest first. */
  async listMemories(user: AuthUser, id: number, query: PageRange): Promise<MemoryPage> {
    const agentId = await this.memoriesAgentId(user, id);
    const rows = await this.memories.listPage(user.id, agentId, { limit: query.limit + 1, before: query.before });
    return toPage(rows, query.limit, ({ id: memoryId, content, source_message_id, created_at }) => ({ id: memoryId, content, source_message_id, created_at }), (memory) => memory.id);
  }

  /** Forgets one memory, or all of mine for this agent when `memoryId` is absent. */
  async forget(user: AuthUser, id: number, memoryId?: number): Promise<void> {
    const agentId = await this.memoriesAgentId(user, id);
    const deleted = await this.memories.deleteFor(user.id, agentId, memoryId);
    if (memoryId && deleted === 0) throw new NotFoundError('Memory not found');
  }

  /** Retrieval over the agent's own documents, to check a knowledge base (owner or admin). */
  async search(user: AuthUser, id: number, query: SearchQuery): Promise<SearchResponse> {
    const agent = await this.findEditable(user, id);
    return { query: query.q, results: await this.retriever.searchDocuments({ agentId: agent.id }, query.q, query.limit) };
  }

  /**
   * The agent if the caller may use it: public, shared with one of their groups, theirs, or they are an admin.
   * Anything else is the same 404 as a missing id, so private agents cannot be probed.
   */
  async findVisible(user: AuthUser, id: number): Promise<Agent> {
    const agent = await this.agents.findWithOwner(id);
    if (!agent || !(await this.agents.isUsableBy(agent, user))) throw new NotFoundError('Agent not found');
    return agent;
  }

  /** Whether the user may use this agent now (public, shared with one of their groups, theirs, or they are an admin). */
  isUsable(user: AuthUser, agent: Agent): Promise<boolean> {
    return this.agents.isUsableBy(agent, user);
  }

  /** My memories stay mine to read and erase after the agent turns private; otherwise the agent must be visible. */
  private async memoriesAgentId(user: AuthUser, id: number): Promise<number> {
    if (await this.memories.existFor(user.id, id)) return id;
    return (await this.findVisible(user, id)).id;
  }

  private async findEditable(user: AuthUser, id: number): Promise<Agent> {
    const agent = await this.findVisible(user, id);
    if (agent.owner_id !== user.id && !user.is_admin) {
      throw new ForbiddenError('Only the owner or an admin may change this agent');
    }
    return agent;
  }

  private checkModelAndPrompt(body: { model?: string; system_prompt?: string }): void {
    const problems = [];
    if (body.model !== undefined && !this.models.isChatModel(body.model)) {
      const allowed = this.models.chatModels();
      problems.push({
        loc: ['body', 'model'],
        msg: allowed.length
          ? `model must be one of: ${allowed.join(', ')}`
          : 'no chat model is configured (set API_MODEL, or VLLM_MODEL_NAME with LLM_MODE=vllm)',
      });
    }
    const max = this.config.limits.systemPromptMaxChars;
    if (body.system_prompt !== undefined && body.system_prompt.length > max) {
      problems.push({ loc: ['body', 'system_prompt'], msg: `system_prompt must be at most ${max} characters` });
    }
    if (problems.length > 0) throw new ValidationError(problems);
  }

  /** The public agents' ids and, at the same index, each agent's JSON; from the cache, else built and cached. */
  private async publicCatalogue(): Promise<PublicCatalogue> {
    const cached = await this.cache.get<string>(PUBLIC_AGENTS_CACHE_KEY);
    if (typeof cached === 'string') return JSON.parse(cached) as PublicCatalogue;
    const agents = await this.agents.listPublic();
    const catalogue = { ids: agents.map((agent) => agent.id), agents: agents.map((agent) => JSON.stringify(presentAgent(agent))) };
    await this.cache.set(PUBLIC_AGENTS_CACHE_KEY, JSON.stringify(catalogue), PUBLIC_AGENTS_TTL_MS);
    return catalogue;
  }

  /** Drops every cached catalogue entry: after any change to an agent, its sharing, or its owner's deletion. */
  async invalidateCatalogue(): Promise<void> {
    await this.cache.del(PUBLIC_AGENTS_CACHE_KEY);
  }
}
