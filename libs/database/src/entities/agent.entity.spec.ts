import { Agent, agentUsableBy } from './agent.entity';

describe('agentUsableBy', () => {
  const agent = (fields: Partial<Agent>) => Object.assign(new Agent(), { owner_id: 1, visibility: 'private', deleted_at: null, ...fields });
  const owner = { id: 1, is_admin: false };
  const other = { id: 2, is_admin: false };
  const admin = { id: 3, is_admin: true };

  it('lets anyone use a public agent', () => {
    expect(agentUsableBy(agent({ visibility: 'public' }), other)).toBe(true);
  });

  it('keeps a private agent to its owner and admins, whatever the groups', () => {
    const secret = agent({ visibility: 'private' });
    expect([owner, other, admin].map((user) => agentUsableBy(secret, user))).toEqual([true, false, true]);
    expect(agentUsableBy(secret, other, true)).toBe(false);
  });

  it('shares a group agent with members of its groups only', () => {
    const shared = agent({ visibility: 'groups' });
    expect(agentUsableBy(shared, other, true)).toBe(true);
    expect(agentUsableBy(shared, other, false)).toBe(false);
    expect(agentUsableBy(shared, owner, false)).toBe(true);
  });

  it('lets nobody use a deleted agent, not even its owner or an admin', () => {
    const deleted = agent({ visibility: 'public', deleted_at: new Date() });
    expect([owner, other, admin].map((user) => agentUsableBy(deleted, user, true))).toEqual([false, false, false]);
  });
});
