import { Inject, Injectable } from '@nestjs/common';
import { ForbiddenError, NotFoundError, toPage, ValidationError } from '#common';
import type { FieldProblem } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { AgentsRepository, MemoriesRepository } from '#database';
import type { Agent, PageRange } from '#database';
import { ModelCatalog } from '#llm';
import { Retriever } from '#retrieval';
import type { SearchQuery, SearchResponse } from '#retrieval';
import { DocumentStorage } from '#documents';
import { AgentCatalogue } from './agent-catalogue';
import { AgentPage, AgentResponse, MemoryPage, presentAgent } from './agent.presenter';
import { AgentSharing } from './agent-sharing';
import type { CreateAgentDto, UpdateAgentDto } from './dto/agent.dto';
import type { AuthUser } from '#auth';

@Injectable()
export class AgentsService {
  constructor(
    private readonly agents: AgentsRepository,
    private readonly memories: MemoriesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly models: ModelCatalog,
    private readonly documents: DocumentStorage,
    private readonly retriever: Retriever,
    private readonly catalogue: AgentCatalogue,
    private readonly sharing: AgentSharing,
  ) {}

  /** A page of my catalogue, public agents and those shared with my groups, by name then id, as a JSON `AgentPage` body. */
  listCatalogueJson(user: AuthUser, query: PageRange): Promise<string> {
    return this.catalogue.pageJson(user.id, query);
  }

  /**
   * Every agent I may pick from (the OpenAI-compatible model list): my catalogue and my own agents,
   * by name then id. Admins may also use agents they do not see here, by id (findVisible).
   */
  async listUsable(user: Pick<AuthUser, 'id'>): Promise<AgentResponse[]> {
    const [catalogue, mine] = await Promise.all([this.catalogue.all(user.id), this.allOwnedBy(user.id)]);
    const listed = new Set(catalogue.map((agent) => agent.id));
    const byName = new Intl.Collator('en');
    return [...catalogue, ...mine.filter((agent) => !listed.has(agent.id)).map((agent) => presentAgent(agent))].sort(
      (a, b) => byName.compare(a.name, b.name) || a.id - b.id,
    );
  }

  /** My agents, most recently changed first. */
  async listMine(user: AuthUser, query: PageRange): Promise<AgentPage> {
    const rows = await this.agents.listOwnedPage(user.id, { limit: query.limit + 1, before: query.before });
    const shared = await this.agents.groupIdsOf(rows.filter((agent) => agent.visibility === 'groups').map((agent) => agent.id));
    return toPage(rows, query.limit, (agent) => presentAgent(agent, shared.get(agent.id) ?? []), (agent) => agent.id);
  }

  async create(user: AuthUser, body: CreateAgentDto): Promise<AgentResponse> {
    const model = body.model ?? this.models.defaultChatModel();
    this.checkModelAndPrompt({ ...body, model }, model);
    const { is_public, visibility, group_ids, ...fields } = body;
    const sharing = (await this.sharing.resolve(user, { is_public, visibility, group_ids }, null)) ?? { visibility: 'private', groupIds: [] };
    const id = await this.agents.insert({ ...fields, visibility: sharing.visibility, model, owner_id: user.id }, sharing.groupIds);
    await this.invalidateCatalogue();
    await this.sharing.recordChange(user, { id, name: fields.name }, null, sharing);
    return this.get(user, id);
  }

  async get(user: AuthUser, id: number): Promise<AgentResponse> {
    const agent = await this.findVisible(user, id);
    return presentAgent(agent, await this.groupIdsShownTo(user, agent));
  }

  async update(user: AuthUser, id: number, body: UpdateAgentDto): Promise<AgentResponse> {
    const agent = await this.findEditable(user, id);
    this.checkModelAndPrompt(body, body.model ?? agent.model, agent.fallback_models);
    const { is_public, visibility, group_ids, ...fields } = body;
    const current = { visibility: agent.visibility, groupIds: (await this.agents.groupIdsOf([agent.id])).get(agent.id) ?? [] };
    const sharing = await this.sharing.resolve(user, { is_public, visibility, group_ids }, current);
    await this.agents.update(agent.id, { ...fields, ...(sharing ? { visibility: sharing.visibility } : {}) }, sharing?.groupIds);
    await this.invalidateCatalogue();
    if (sharing) await this.sharing.recordChange(user, { id: agent.id, name: fields.name ?? agent.name }, current, sharing);
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
    const searcher = { userId: user.id, agentId: agent.id };
    return { query: query.q, results: await this.retriever.searchDocuments({ agentId: agent.id }, query.q, query.limit, searcher) };
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

  private async allOwnedBy(ownerId: number): Promise<Agent[]> {
    const owned: Agent[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await this.agents.listOwnedPage(ownerId, { limit: 500, before });
      owned.push(...page);
      if (page.length < 500) return owned;
      before = page[page.length - 1].id;
    }
  }

  /** My memories stay mine to read and erase after the agent turns private; otherwise the agent must be visible. */
  private async memoriesAgentId(user: AuthUser, id: number): Promise<number> {
    if (await this.memories.existFor(user.id, id)) return id;
    return (await this.findVisible(user, id)).id;
  }

  /** The agent if the caller may change it: visible (else 404) and theirs, or they are an admin (else 403). */
  async findEditable(user: AuthUser, id: number): Promise<Agent> {
    const agent = await this.findVisible(user, id);
    if (agent.owner_id !== user.id && !user.is_admin) {
      throw new ForbiddenError('Only the owner or an admin may change this agent');
    }
    return agent;
  }

  /**
   * `model`: the agent's model once the change is made; `currentFallbacks`: the
   * agent's fallback models before it (on an update), which a new `model` must not be among.
   */
  private checkModelAndPrompt(
    body: { model?: string; fallback_models?: string[]; system_prompt?: string },
    model: string | undefined,
    currentFallbacks: string[] = [],
  ): void {
    const problems: FieldProblem[] = [];
    if (body.model !== undefined && !this.models.isChatModel(body.model)) {
      problems.push({ loc: ['body', 'model'], msg: this.chatModelsProblem('model') });
    }
    if (body.fallback_models !== undefined) {
      problems.push(...this.fallbackProblems(body.fallback_models, model));
    } else if (body.model !== undefined && currentFallbacks.includes(body.model)) {
      problems.push({ loc: ['body', 'model'], msg: 'model is one of the fallback_models: send fallback_models without it' });
    }
    const max = this.config.limits.systemPromptMaxChars;
    if (body.system_prompt !== undefined && body.system_prompt.length > max) {
      problems.push({ loc: ['body', 'system_prompt'], msg: `system_prompt must be at most ${max} characters` });
    }
    if (problems.length > 0) throw new ValidationError(problems);
  }

  /** Each entry a configured chat model, none repeated and none the agent's own `model`; each problem names its entry. */
  private fallbackProblems(fallbacks: string[], model: string | undefined): FieldProblem[] {
    return fallbacks.flatMap((fallback, i) => {
      const entry = `fallback_models[${i}]`;
      const loc = ['body', 'fallback_models', i];
      if (!this.models.isChatModel(fallback)) return [{ loc, msg: this.chatModelsProblem(entry) }];
      if (fallback === model) return [{ loc, msg: `${entry} is the agent's own model: a fallback must be another one` }];
      const first = fallbacks.indexOf(fallback);
      if (first < i) return [{ loc, msg: `${entry} repeats fallback_models[${first}]` }];
      return [];
    });
  }

  private chatModelsProblem(field: string): string {
    const allowed = this.models.chatModels();
    return allowed.length
      ? `${field} must be one of: ${allowed.join(', ')}`
      : 'no chat model is configured (set API_MODEL, or VLLM_MODEL_NAME with LLM_MODE=vllm)';
  }

  /** The groups it is shared with, for its owner or an admin; null (not shown) for anyone else. */
  private async groupIdsShownTo(user: AuthUser, agent: Agent): Promise<number[] | null> {
    if (agent.owner_id !== user.id && !user.is_admin) return null;
    return agent.visibility === 'groups' ? ((await this.agents.groupIdsOf([agent.id])).get(agent.id) ?? []) : [];
  }

  /** Drops every cached catalogue entry (public and every group's): after any change to an agent, its sharing, or its owner's deletion. */
  async invalidateCatalogue(): Promise<void> {
    await this.catalogue.invalidate();
  }
}
