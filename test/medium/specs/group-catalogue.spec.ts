import { DataSource } from 'typeorm';
import { AgentsModule, AgentsService } from '#agents';
import { Agent, Group, GroupMember } from '#database';
import { GroupMembership, GroupsModule } from '#groups';
import { LlmModule } from '#llm';
import { RetrievalModule } from '#retrieval';
import { createMediumContext, MediumContext } from '../medium-context';
import type { TestUser } from '../factories';

describe('The catalogue with groups (AgentsService, GroupMembership)', () => {
  let ctx: MediumContext;
  let agents: AgentsService;
  let membership: GroupMembership;
  let owner: TestUser;
  let member: TestUser;
  let group: Group;

  const names = async (user: TestUser) =>
    (JSON.parse(await agents.listCatalogueJson(user, { limit: 100 })) as { items: { name: string }[] }).items.map((a) => a.name);

  beforeAll(async () => {
    ctx = await createMediumContext({ imports: [AgentsModule, GroupsModule, LlmModule, RetrievalModule] });
    agents = ctx.get(AgentsService);
    membership = ctx.get(GroupMembership);
    owner = await ctx.factories.user();
    member = await ctx.factories.user();
    const data = ctx.get(DataSource);
    group = await data.getRepository(Group).save({ name: 'Research' });
    await data.getRepository(GroupMember).save([owner, member].map((user) => ({ group_id: group.id, user_id: user.id })));
  });
  afterAll(() => ctx?.close());

  it('drops every group entry with invalidateCatalogue, not only the public one', async () => {
    const shared = await agents.create(owner, { name: 'Lab notebook', visibility: 'groups', group_ids: [group.id] });
    expect(await names(member)).toContain('Lab notebook');

    // A change behind the service's back is not seen: the group's list came from the cache.
    await ctx.get(DataSource).getRepository(Agent).update(shared.id, { name: 'Renamed directly' });
    expect(await names(member)).toContain('Lab notebook');

    await agents.invalidateCatalogue();
    expect(await names(member)).toContain('Renamed directly');
  });

  it("serves a user's groups from the cache until their memberships change", async () => {
    expect(await membership.groupIdsOf(member.id)).toEqual([group.id]);
    await ctx.get(DataSource).getRepository(GroupMember).delete({ group_id: group.id, user_id: member.id });
    expect(await membership.groupIdsOf(member.id)).toEqual([group.id]); // cached
    await membership.forget([member.id]);
    expect(await membership.groupIdsOf(member.id)).toEqual([]);
    expect(await names(member)).not.toContain('Renamed directly');
  });
});
