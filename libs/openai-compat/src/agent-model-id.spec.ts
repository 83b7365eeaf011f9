import { agentIdOf, agentModelId } from './agent-model-id';

describe('agent model ids', () => {
  it('reads back the id it writes, and nothing else', () => {
    expect(agentIdOf(agentModelId(42))).toBe(42);
    expect(['agent-0', 'agent-042', 'agent-', 'agent-1x', 'gpt-4o', 'agent-2147483648', 'agent-99999999999'].map(agentIdOf)).toEqual(Array(7).fill(null));
    expect(agentIdOf('agent-2147483647')).toBe(2147483647);
  });
});
