/** An agent's model id in the OpenAI-compatible API: `agent-<id>`, stable across renames. */
export function agentModelId(agentId: number): string {
  return `agent-${agentId}`;
}

/** The agent id a model id names, or null when it names none (any other string). */
export function agentIdOf(model: string): number | null {
  const match = /^agent-([1-9]\d{0,9})$/.exec(model);
  const id = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(id) && id <= 2_147_483_647 ? id : null;
}
