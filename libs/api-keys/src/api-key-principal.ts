import type { ApiKeyAccess } from '#database';

/** Who a valid API key acts for, and what the key allows: the identity of every /v1 request. */
export interface ApiKeyPrincipal {
  user: { id: number; email: string; trigramme: string; is_admin: boolean };
  key: { id: number; name: string; agent_ids: number[] | null; access: ApiKeyAccess };
}

/** Whether the key's scope includes the agent (the user's own right to use it is checked apart, by the agents' rule). */
export function keyMayUseAgent(principal: ApiKeyPrincipal, agentId: number): boolean {
  return principal.key.agent_ids === null || principal.key.agent_ids.includes(agentId);
}

/** Whether the key may ask for completions (a `read` key only lists models and embeds). */
export function keyMayChat(principal: ApiKeyPrincipal): boolean {
  return principal.key.access === 'chat';
}
