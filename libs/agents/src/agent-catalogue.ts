import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { randomBytes } from 'node:crypto';
import { toPage, ValidationError } from '#common';
import { AgentsRepository } from '#database';
import type { Agent, PageRange } from '#database';
import { GroupMembership } from '#groups';
import { presentAgent } from './agent.presenter';
import type { AgentResponse } from './agent.presenter';

/** The public catalogue's cache entry; dropped on every change to any agent (which drops the groups' entries too). */
export const PUBLIC_AGENTS_CACHE_KEY = 'agents:public';
const CATALOGUE_TTL_MS = 300_000;

/** The agents shared with one group, cached under the public entry's generation. */
export const groupAgentsCacheKey = (generation: string, groupId: number) => `agents:group:${generation}:${groupId}`;

/** Agents in catalogue order: ids, names (the sort key) and each agent's JSON at the same index. */
interface CatalogueList {
  ids: number[];
  names: string[];
  agents: string[];
}

/** The public list, with the generation its groups' entries are cached under. */
interface PublicCatalogue extends CatalogueList {
  generation: string;
}

/** By name, then id; the same order in every list so lists merge (not the database's collation, which may differ). */
const byName = new Intl.Collator('en');
const inOrder = (a: { id: number; name: string }, b: { id: number; name: string }) => byName.compare(a.name, b.name) || a.id - b.id;

function listOf(agents: Agent[]): CatalogueList {
  const sorted = [...agents].sort(inOrder);
  return { ids: sorted.map((a) => a.id), names: sorted.map((a) => a.name), agents: sorted.map((a) => JSON.stringify(presentAgent(a))) };
}

/**
 * The catalogue (GET /api/agents): public agents plus those shared with any of
 * the caller's groups, as one list by name then id. Cached per visibility: the
 * public list under PUBLIC_AGENTS_CACHE_KEY, and one entry per group under a
 * generation stored in the public entry, so dropping that one key drops every
 * entry (a new public entry starts a new generation). The caller's groups come
 * from GroupMembership (cached, dropped on membership changes), so leaving or
 * deleting a group shows at once on every instance.
 */
@Injectable()
export class AgentCatalogue {
  constructor(
    private readonly agents: AgentsRepository,
    private readonly membership: GroupMembership,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
  ) {}

  /**
   * A page of the user's catalogue as a JSON `AgentPage` body. Each agent is cached already
   * serialised: deserialising and re-serialising the objects took 9% of this route's CPU (profiled).
   * `before` is the last agent seen; one no longer listed is refused (422): its place in the
   * order is unknown, so the client lists again from the start.
   */
  async pageJson(userId: number, query: PageRange): Promise<string> {
    const catalogue = await this.catalogueOf(userId);
    const start = query.before ? catalogue.ids.indexOf(query.before) + 1 : 0;
    if (query.before && start === 0) {
      throw new ValidationError([{ loc: ['query', 'before'], msg: 'before is no longer in your catalogue: list again from the first page' }]);
    }
    const rows = catalogue.ids.slice(start, start + query.limit + 1).map((id, i) => ({ id, json: catalogue.agents[start + i] }));
    const page = toPage(rows, query.limit, (row) => row.json, (row) => row.id);
    return `{"items":[${page.items.join(',')}],"next_before":${page.next_before}}`;
  }

  /** The user's whole catalogue, in catalogue order (the OpenAI-compatible model list). */
  async all(userId: number): Promise<AgentResponse[]> {
    return (await this.catalogueOf(userId)).agents.map((json) => JSON.parse(json) as AgentResponse);
  }

  private async catalogueOf(userId: number): Promise<CatalogueList> {
    const [publicList, groupIds] = await Promise.all([this.publicList(), this.membership.groupIdsOf(userId)]);
    return groupIds.length === 0 ? publicList : merge([publicList, ...(await this.groupLists(publicList.generation, groupIds))]);
  }

  /** Drops every cached entry: the public one, and with its generation every group's. */
  async invalidate(): Promise<void> {
    await this.cache.del(PUBLIC_AGENTS_CACHE_KEY);
  }

  private async publicList(): Promise<PublicCatalogue> {
    const cached = await this.cache.get<string>(PUBLIC_AGENTS_CACHE_KEY);
    // An entry without a generation was cached by an earlier version (before groups): built again.
    const parsed = typeof cached === 'string' ? (JSON.parse(cached) as Partial<PublicCatalogue>) : null;
    if (parsed?.generation) return parsed as PublicCatalogue;
    const catalogue = { generation: randomBytes(8).toString('hex'), ...listOf(await this.agents.listPublic()) };
    await this.cache.set(PUBLIC_AGENTS_CACHE_KEY, JSON.stringify(catalogue), CATALOGUE_TTL_MS);
    return catalogue;
  }

  private async groupLists(generation: string, groupIds: number[]): Promise<CatalogueList[]> {
    const keys = groupIds.map((groupId) => groupAgentsCacheKey(generation, groupId));
    const cached = await this.cache.mget<string>(keys);
    return Promise.all(
      groupIds.map(async (groupId, i) => {
        const hit = cached[i];
        if (typeof hit === 'string') return JSON.parse(hit) as CatalogueList;
        const list = listOf(await this.agents.listSharedWith(groupId));
        await this.cache.set(keys[i], JSON.stringify(list), CATALOGUE_TTL_MS);
        return list;
      }),
    );
  }
}

/** One list in catalogue order; an agent shared with several of the user's groups appears once. */
function merge(lists: CatalogueList[]): CatalogueList {
  const seen = new Set<number>();
  const entries: { id: number; name: string; json: string }[] = [];
  for (const list of lists) {
    list.ids.forEach((id, i) => {
      if (seen.has(id)) return;
      seen.add(id);
      entries.push({ id, name: list.names[i], json: list.agents[i] });
    });
  }
  entries.sort(inOrder);
  return { ids: entries.map((e) => e.id), names: entries.map((e) => e.name), agents: entries.map((e) => e.json) };
}
