import { Injectable } from '@nestjs/common';
import { AgentsService } from '#agents';
import { AgentsRepository } from '#database';
import type { Agent } from '#database';
import { keyMayUseAgent } from '#api-keys';
import type { ApiKeyPrincipal } from '#api-keys';
import { agentIdOf, agentModelId } from './agent-model-id';
import type { OpenAiModel, OpenAiModelList } from './dto/model.dto';
import { ModelNotFoundError } from './openai-errors';

type Listed = Pick<Agent, 'id' | 'name' | 'model' | 'visibility' | 'learn_from_interaction'> & {
  created_at: Date | string;
  owner_trigramme: string | null;
};

function present(agent: Listed): OpenAiModel {
  const { id, name, model, visibility, owner_trigramme, learn_from_interaction } = agent;
  return {
    id: agentModelId(id),
    object: 'model',
    created: Math.floor(new Date(agent.created_at).getTime() / 1000),
    owned_by: owner_trigramme ?? 'foyergpt',
    foyergpt: { agent_id: id, name, model, visibility, owner_trigramme, learn_from_interaction },
  };
}

/**
 * Agents as OpenAI models: those the key's user may use (the catalogue and
 * usable rule of #agents), within the key's agent scope. Anything else is the
 * same 404 `model_not_found` as an id that names no agent.
 */
@Injectable()
export class AgentModels {
  constructor(
    private readonly agentsService: AgentsService,
    private readonly agents: AgentsRepository,
  ) {}

  async list(principal: ApiKeyPrincipal): Promise<OpenAiModelList> {
    const usable = await this.agentsService.listUsable(principal.user);
    return { object: 'list', data: usable.filter((agent) => keyMayUseAgent(principal, agent.id)).map(present) };
  }

  async get(principal: ApiKeyPrincipal, model: string): Promise<OpenAiModel> {
    const agent = await this.resolve(principal, model);
    return present({ ...agent, owner_trigramme: agent.owner?.trigramme ?? null });
  }

  /** The agent `model` names, if the key may use it now (checked on every call: sharing may have changed). */
  async resolve(principal: ApiKeyPrincipal, model: string): Promise<Agent> {
    const id = agentIdOf(model);
    const agent = id === null || !keyMayUseAgent(principal, id) ? null : await this.agents.findWithOwner(id);
    if (!agent || !(await this.agents.isUsableBy(agent, principal.user))) throw new ModelNotFoundError(model);
    return agent;
  }
}
