import { Agent, agentUsableBy } from './agent.entity';

describe('agentUsableBy', () => {
  const agent = (fields: Partial<Agent>) => Object.assign(new Agent(), { owner_id: 1, is_public: false, deleted_at: null, ...fields });
  const owner = { id: 1, is_admin: false };
  const other = { id: 2, is_admin: false };
  const admin = { id: 3, is_admin: true };

  it('lets anyone use a public agent', () => {
    expect(agentUsableBy(agent({ is_public: true }), other)).toBe(true);
  });

  it('keeps a private agent to its owner and admins', () => {
    const secret = agent({ is_public: false });
    expect([owner, other, admin].map((user) => agentUsableBy(secret, user))).toEqual([true, false, true]);
  });

  it('lets nobody use a deleted agent, not even its owner or an admin', () => {
    const deleted = agent({ is_public: true, deleted_at: new Date() });
    expect([owner, other, admin].map((user) => agentUsableBy(deleted, user))).toEqual([false, false, false]);
  });
});
