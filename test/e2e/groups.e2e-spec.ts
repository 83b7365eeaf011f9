import { CACHE_MANAGER } from '@nestjs/cache-manager';
import type { Cache } from 'cache-manager';
import { DataSource } from 'typeorm';
import { groupAgentsCacheKey, PUBLIC_AGENTS_CACHE_KEY } from '#agents';
import { AuditEvent } from '#database';
import { memberOfCacheKey } from '#groups';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, startChatApp } from '../support/chat-app';
import { uploadText } from '../support/documents';
import { startApp, testEnvironment, TestEnvironment } from '../support/test-app';
import type { TestApp } from '../support/test-app';

const PROMPT = 'You are the treasurer HERON.';
const KNOWLEDGE = 'Le budget de la trésorerie pour 2027 est de quarante-deux millions, code MANGOUSTE.';

interface Named {
  id: number;
  name: string;
}

describe('Groups: admin-managed groups and agents shared with them', () => {
  let c: ChatApp;
  let admin: SignedIn;
  let owner: SignedIn;
  let member: SignedIn;
  let outsider: SignedIn;

  const http = () => c.t.http();
  const audit = (action: string) => c.t.app.get(DataSource).getRepository(AuditEvent).find({ where: { action }, order: { created_at: 'ASC' } });
  const newGroup = async (name: string) => (await http().post('/api/admin/groups').set(admin.auth).send({ name }).expect(201)).body as Named;
  const join = (groupId: number, user: SignedIn) => http().put(`/api/admin/groups/${groupId}/members/${user.id}`).set(admin.auth).expect(204);
  const leave = (groupId: number, user: SignedIn) => http().delete(`/api/admin/groups/${groupId}/members/${user.id}`).set(admin.auth).expect(204);
  const catalogue = async (user: SignedIn) => ((await http().get('/api/agents').query({ limit: 100 }).set(user.auth).expect(200)).body.items as Named[]);
  const send = async (user: SignedIn, chatId: number, content: string, status: number) => {
    const response = await http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content, stream: false });
    expect({ status: response.status, detail: response.body.detail }).toMatchObject({ status }); // shows why when it differs
    return response;
  };
  const lastPrompt = () => JSON.stringify(c.sim.chatRequests().at(-1)?.body ?? null);
  const chatSearch = async (user: SignedIn, chatId: number, q: string) =>
    JSON.stringify((await http().get(`/api/chats/${chatId}/search`).query({ q }).set(user.auth).expect(200)).body.results);

  beforeAll(async () => {
    c = await startChatApp({ EMBEDDING_PROVIDER: 'none', MAX_CONCURRENT_GENERATIONS: '20' });
    admin = await signUp(c.t); // the first user is the admin
    owner = await signUp(c.t);
    member = await signUp(c.t);
    outsider = await signUp(c.t);
  });
  afterAll(() => c.close());

  describe('administration', () => {
    it('creates, reads, lists, renames and deletes groups, refusing duplicate names in any case', async () => {
      const created = await http().post('/api/admin/groups').set(admin.auth).send({ name: ' Finance ', description: 'Money' }).expect(201);
      expect(created.body).toMatchObject({ name: 'Finance', description: 'Money', member_count: 0 });
      const id = created.body.id as number;
      const duplicate = await http().post('/api/admin/groups').set(admin.auth).send({ name: 'FINANCE' }).expect(409);
      expect(duplicate.body.detail).toBe('A group with this name already exists');
      const invalid = await http().post('/api/admin/groups').set(admin.auth).send({ name: '  ' }).expect(422);
      expect(invalid.body.detail[0].loc).toEqual(['body', 'name']);

      const other = await newGroup('Legal');
      await http().patch(`/api/admin/groups/${other.id}`).set(admin.auth).send({ name: 'finance' }).expect(409);
      const renamed = await http().patch(`/api/admin/groups/${id}`).set(admin.auth).send({ name: 'Finance and control' }).expect(200);
      expect(renamed.body).toMatchObject({ id, name: 'Finance and control', description: 'Money' });
      const described = await http().patch(`/api/admin/groups/${id}`).set(admin.auth).send({ description: 'Budgets' }).expect(200);
      expect(described.body).toMatchObject({ name: 'Finance and control', description: 'Budgets' });
      expect((await http().get(`/api/admin/groups/${id}`).set(admin.auth).expect(200)).body).toMatchObject({ id, member_count: 0 });

      const found = await http().get('/api/admin/groups').query({ q: 'FINANCE AND' }).set(admin.auth).expect(200);
      expect(found.body.items.map((g: Named) => g.id)).toEqual([id]);
      // Paged by name, each group once.
      const seen: number[] = [];
      let before: number | null = null;
      do {
        const page: { body: { items: Named[]; next_before: number | null } } = await http().get('/api/admin/groups').query(before ? { limit: 1, before } : { limit: 1 }).set(admin.auth).expect(200);
        seen.push(...page.body.items.map((g) => g.id));
        before = page.body.next_before;
      } while (before !== null);
      expect(seen).toEqual([id, other.id]);

      await http().delete(`/api/admin/groups/${other.id}`).set(admin.auth).expect(204);
      await http().get(`/api/admin/groups/${other.id}`).set(admin.auth).expect(404);
      await http().delete(`/api/admin/groups/${other.id}`).set(admin.auth).expect(404);
      await http().patch(`/api/admin/groups/${other.id}`).set(admin.auth).send({ name: 'Gone' }).expect(404);
      await http().get('/api/admin/groups').query({ before: other.id }).set(admin.auth).expect(422);
      await http().delete(`/api/admin/groups/${id}`).set(admin.auth).expect(204);

      const [create] = (await audit('group.create')).filter((e) => e.target_id === String(id));
      expect(create).toMatchObject({ actor_id: admin.id, target_type: 'group', target_label: 'Finance', outcome: 'success' });
      const renames = (await audit('group.rename')).filter((e) => e.target_id === String(id));
      expect(renames.map((e) => e.details)).toEqual([
        { name: 'Finance and control', description: 'Money', previous_name: 'Finance' },
        { name: 'Finance and control', description: 'Budgets', previous_name: 'Finance and control' },
      ]);
      expect((await audit('group.delete')).map((e) => e.target_label)).toEqual(['Legal', 'Finance and control']);
    });

    it('adds members idempotently, lists them, and removes them; a user may be in several groups', async () => {
      const ops = await newGroup('Ops');
      const sales = await newGroup('Sales');
      await join(ops.id, member);
      await join(ops.id, member); // idempotent: no second record
      await join(ops.id, owner);
      await join(sales.id, member);
      expect((await http().get(`/api/admin/groups/${ops.id}`).set(admin.auth).expect(200)).body.member_count).toBe(2);
      const members = await http().get(`/api/admin/groups/${ops.id}/members`).set(admin.auth).expect(200);
      expect(members.body.items.map((m: { user_id: number }) => m.user_id)).toEqual([member.id, owner.id]);
      expect(members.body.items[0]).toEqual({ user_id: member.id, email: expect.stringMatching(/@example\.org$/), trigramme: expect.any(String), added_at: expect.any(String) });
      const firstPage = await http().get(`/api/admin/groups/${ops.id}/members`).query({ limit: 1 }).set(admin.auth).expect(200);
      expect(firstPage.body.next_before).toBe(member.id);

      const mine = await http().get('/api/me/groups').set(member.auth).expect(200);
      expect(mine.body).toEqual({ items: [{ id: ops.id, name: 'Ops' }, { id: sales.id, name: 'Sales' }] });
      expect((await http().get('/api/me/groups').set(outsider.auth).expect(200)).body).toEqual({ items: [] });

      await http().put(`/api/admin/groups/${ops.id}/members/999999`).set(admin.auth).expect(404);
      await http().put(`/api/admin/groups/999999/members/${member.id}`).set(admin.auth).expect(404);
      await http().delete(`/api/admin/groups/${ops.id}/members/${outsider.id}`).set(admin.auth).expect(404);
      await http().get('/api/admin/groups/999999/members').set(admin.auth).expect(404);

      await leave(sales.id, member);
      expect((await http().get('/api/me/groups').set(member.auth).expect(200)).body.items).toEqual([{ id: ops.id, name: 'Ops' }]);
      const adds = (await audit('group.member_add')).filter((e) => e.target_id === String(ops.id));
      expect(adds.map((e) => e.details)).toEqual([{ user_id: member.id }, { user_id: owner.id }]);
      const [removed] = (await audit('group.member_remove')).filter((e) => e.target_id === String(sales.id));
      expect(removed).toMatchObject({ actor_id: admin.id, target_type: 'group', target_label: 'Sales', details: { user_id: member.id } });
      await http().delete(`/api/admin/groups/${ops.id}`).set(admin.auth).expect(204);
      await http().delete(`/api/admin/groups/${sales.id}`).set(admin.auth).expect(204);
    });

    it('refuses every admin group route to a non-admin with 403', async () => {
      const group = await newGroup('Admins only');
      const routes = [
        http().get('/api/admin/groups'),
        http().post('/api/admin/groups').send({ name: 'Mine' }),
        http().get(`/api/admin/groups/${group.id}`),
        http().patch(`/api/admin/groups/${group.id}`).send({ name: 'Mine' }),
        http().delete(`/api/admin/groups/${group.id}`),
        http().get(`/api/admin/groups/${group.id}/members`),
        http().put(`/api/admin/groups/${group.id}/members/${outsider.id}`),
        http().delete(`/api/admin/groups/${group.id}/members/${outsider.id}`),
      ];
      for (const route of routes) await route.set(outsider.auth).expect(403);
      expect((await http().get(`/api/admin/groups/${group.id}`).set(admin.auth).expect(200)).body).toMatchObject({ name: 'Admins only', member_count: 0 });
      await http().get('/api/me/groups').expect(401);
    });
  });

  describe('an agent shared with a group', () => {
    let team: Named;
    let otherTeam: Named;
    let agentId: number;
    let documentId: number;
    let memberChat: number;

    beforeAll(async () => {
      team = await newGroup('Treasury');
      otherTeam = await newGroup('Marketing');
      await join(team.id, owner);
      await join(team.id, member);
      await join(otherTeam.id, outsider);
    });

    it('refuses a sharing that is incomplete, contradictory or with a group the owner is not in (422, naming the field)', async () => {
      const create = (user: SignedIn, body: object) => http().post('/api/agents').set(user.auth).send({ name: 'Refused', ...body }).expect(422);
      const problem = async (user: SignedIn, body: object) => (await create(user, body)).body.detail[0] as { loc: string[]; msg: string };
      expect(await problem(owner, { visibility: 'groups' })).toEqual({ loc: ['body', 'group_ids'], msg: 'group_ids must list at least one group when visibility is groups' });
      expect(await problem(owner, { visibility: 'groups', group_ids: [] })).toMatchObject({ loc: ['body', 'group_ids'] });
      expect(await problem(owner, { visibility: 'private', group_ids: [team.id] })).toEqual({ loc: ['body', 'group_ids'], msg: 'group_ids is only for visibility groups' });
      expect(await problem(owner, { is_public: true, visibility: 'groups', group_ids: [team.id] })).toMatchObject({ loc: ['body', 'is_public'] });
      expect(await problem(owner, { visibility: 'everyone' })).toMatchObject({ loc: ['body', 'visibility'] });
      // Not a member, and no such group, read the same to an owner: group ids cannot be probed.
      const notMine = await problem(owner, { visibility: 'groups', group_ids: [team.id, otherTeam.id] });
      expect(notMine).toEqual({ loc: ['body', 'group_ids'], msg: `you may share only with groups you are a member of (not ${otherTeam.id})` });
      expect((await problem(owner, { visibility: 'groups', group_ids: [999999] })).msg).toBe('you may share only with groups you are a member of (not 999999)');
      expect((await problem(admin, { visibility: 'groups', group_ids: [999999] })).msg).toBe('no group with id 999999');
      expect(JSON.stringify(await problem(owner, { visibility: 'groups', group_ids: [otherTeam.id] }))).not.toContain('Marketing');
      // An admin shares with any group; is_public false agrees with any visibility but public.
      const byAdmin = await http().post('/api/agents').set(admin.auth).send({ name: 'Admin shared', is_public: false, visibility: 'groups', group_ids: [otherTeam.id] }).expect(201);
      expect(byAdmin.body).toMatchObject({ visibility: 'groups', group_ids: [otherTeam.id], is_public: false });
      await http().delete(`/api/agents/${byAdmin.body.id}`).set(admin.auth).expect(204);
    });

    it('shows its groups to the owner and admins only, and audits the sharing', async () => {
      const created = await http().post('/api/agents').set(owner.auth)
        .send({ name: 'Treasury helper', system_prompt: PROMPT, visibility: 'groups', group_ids: [team.id, team.id] }).expect(201);
      expect(created.body).toMatchObject({ visibility: 'groups', group_ids: [team.id], is_public: false });
      agentId = created.body.id;
      documentId = await uploadText(c.t, owner, 'agent', agentId, KNOWLEDGE, 'tresorerie.txt');

      expect((await http().get(`/api/agents/${agentId}`).set(admin.auth).expect(200)).body.group_ids).toEqual([team.id]);
      expect((await http().get(`/api/agents/${agentId}`).set(member.auth).expect(200)).body).toMatchObject({ visibility: 'groups', group_ids: null });
      const mine = (await http().get('/api/agents/my').set(owner.auth).expect(200)).body.items as { id: number; group_ids: number[] }[];
      expect(mine.find((a) => a.id === agentId)?.group_ids).toEqual([team.id]);
      const [shared] = (await audit('agent.visibility_change')).filter((e) => e.target_id === String(agentId));
      expect(shared).toMatchObject({ actor_id: owner.id, target_type: 'agent', target_label: 'Treasury helper', details: { from: null, to: 'groups', group_ids: [team.id] } });
    });

    it('is in the catalogue of members only, merged by name with the public agents', async () => {
      const publicBefore = (await http().post('/api/agents').set(outsider.auth).send({ name: 'Treasury a', is_public: true }).expect(201)).body.id;
      const publicAfter = (await http().post('/api/agents').set(outsider.auth).send({ name: 'Treasury z', visibility: 'public' }).expect(201)).body.id;
      const listed = (await catalogue(member)).filter((a) => a.name.startsWith('Treasury')).map((a) => a.id);
      expect(listed).toEqual([publicBefore, agentId, publicAfter]);
      expect((await catalogue(member)).find((a) => a.id === agentId)).toMatchObject({ group_ids: null });
      // Cached per visibility: the public list, the group's list under the public list's generation, the member's groups.
      const cache = c.t.app.get<Cache>(CACHE_MANAGER);
      const { generation } = JSON.parse((await cache.get<string>(PUBLIC_AGENTS_CACHE_KEY)) ?? '{}') as { generation: string };
      expect(await cache.get(groupAgentsCacheKey(generation, team.id))).toContain('Treasury helper');
      expect(await cache.get(memberOfCacheKey(member.id))).toEqual([team.id]);
      expect((await catalogue(outsider)).map((a) => a.id)).not.toContain(agentId);
      expect((await catalogue(outsider)).map((a) => a.id)).toEqual(expect.arrayContaining([publicBefore, publicAfter]));
      // Paging walks the merged list.
      const page = await http().get('/api/agents').query({ limit: 1, before: publicBefore }).set(member.auth).expect(200);
      expect(page.body.items.map((a: Named) => a.id)).toEqual([agentId]);
      await http().get('/api/agents').query({ before: agentId }).set(outsider.auth).expect(422);
    });

    it('is usable by members, with its documents for retrieval but never for download; 404 for anyone else', async () => {
      await http().get(`/api/agents/${agentId}`).set(outsider.auth).expect(404);
      await http().post('/api/chats').set(outsider.auth).send({ agent_id: agentId }).expect(404);
      memberChat = (await http().post('/api/chats').set(member.auth).send({ agent_id: agentId, title: 'Budget' }).expect(201)).body.id;

      await send(member, memberChat, 'Quel est le budget de la trésorerie MANGOUSTE ?', 201);
      expect(lastPrompt()).toContain('HERON');
      expect(lastPrompt()).toContain('MANGOUSTE');
      expect(await chatSearch(member, memberChat, 'budget trésorerie MANGOUSTE')).toContain('MANGOUSTE');

      await http().get(`/api/documents/${documentId}`).set(member.auth).expect(404);
      await http().get(`/api/documents/${documentId}/text`).set(member.auth).expect(404);
      await http().get('/api/documents').query({ entity_type: 'agent', entity_id: agentId }).set(member.auth).expect(404);
      await http().get(`/api/agents/${agentId}/search`).query({ q: 'budget' }).set(member.auth).expect(403);
      await http().put(`/api/agents/${agentId}`).set(member.auth).send({ name: 'Mine' }).expect(403);
      await http().get(`/api/documents/${documentId}`).set(owner.auth).expect(200);
    });

    it('leaves the catalogue of a member removed from the group at once, and refuses their next send', async () => {
      expect((await catalogue(member)).map((a) => a.id)).toContain(agentId);
      const cache = c.t.app.get<Cache>(CACHE_MANAGER);
      expect(await cache.get(memberOfCacheKey(member.id))).toEqual([team.id]); // what a stale read would serve
      await leave(team.id, member);
      expect((await catalogue(member)).map((a) => a.id)).not.toContain(agentId);
      await http().get(`/api/agents/${agentId}`).set(member.auth).expect(404);
      const calls = c.sim.chatRequests().length;
      const refused = await send(member, memberChat, 'Et maintenant MANGOUSTE ?', 404);
      expect(refused.body.detail).toMatch(/Agent not found/);
      expect(c.sim.chatRequests()).toHaveLength(calls);
      expect(await chatSearch(member, memberChat, 'budget trésorerie MANGOUSTE')).not.toContain('MANGOUSTE');

      await join(team.id, member);
      expect((await catalogue(member)).map((a) => a.id)).toContain(agentId);
      await send(member, memberChat, 'De retour: MANGOUSTE ?', 201);
    });

    it('follows its sharing: moved to another group, made public, made private', async () => {
      const update = (body: object) => http().put(`/api/agents/${agentId}`).set(owner.auth).send(body);
      expect((await update({ name: 'Treasury helper' }).expect(200)).body.group_ids).toEqual([team.id]); // other fields keep the groups
      await update({ group_ids: [otherTeam.id] }).expect(422); // the owner is not in Marketing
      await join(otherTeam.id, owner);
      expect((await update({ group_ids: [otherTeam.id] }).expect(200)).body).toMatchObject({ visibility: 'groups', group_ids: [otherTeam.id] });
      expect((await catalogue(member)).map((a) => a.id)).not.toContain(agentId);
      expect((await catalogue(outsider)).map((a) => a.id)).toContain(agentId);
      expect((await update({ is_public: true }).expect(200)).body).toMatchObject({ visibility: 'public', is_public: true, group_ids: [] });
      expect((await catalogue(member)).map((a) => a.id)).toContain(agentId);
      expect((await update({ visibility: 'groups' }).expect(422)).body.detail[0].loc).toEqual(['body', 'group_ids']);
      expect((await update({ visibility: 'private' }).expect(200)).body).toMatchObject({ visibility: 'private', group_ids: [] });
      expect((await catalogue(member)).map((a) => a.id)).not.toContain(agentId);
      expect((await update({ visibility: 'groups', group_ids: [team.id] }).expect(200)).body.group_ids).toEqual([team.id]);
      expect((await catalogue(member)).map((a) => a.id)).toContain(agentId);
      const changes = (await audit('agent.visibility_change')).filter((e) => e.target_id === String(agentId)).map((e) => e.details);
      expect(changes.slice(1)).toEqual([
        { from: 'groups', to: 'groups', group_ids: [otherTeam.id] },
        { from: 'groups', to: 'public', group_ids: [] },
        { from: 'public', to: 'private', group_ids: [] },
        { from: 'private', to: 'groups', group_ids: [team.id] },
      ]);
    });

    it('leaves the catalogue of every member at once when its group is deleted', async () => {
      expect((await catalogue(member)).map((a) => a.id)).toContain(agentId);
      await http().delete(`/api/admin/groups/${team.id}`).set(admin.auth).expect(204);
      expect((await catalogue(member)).map((a) => a.id)).not.toContain(agentId);
      await send(member, memberChat, 'Encore là ?', 404);
      expect((await http().get('/api/me/groups').set(member.auth).expect(200)).body.items).toEqual([]);
      // Its owner keeps it, shared with no group now.
      expect((await http().get(`/api/agents/${agentId}`).set(owner.auth).expect(200)).body).toMatchObject({ visibility: 'groups', group_ids: [] });
    });
  });
});

// Two instances need a shared database server and Redis: runs where the suite does (CI).
const shared = process.env.TEST_DATABASE_URL && process.env.REDIS_URL;
const describeShared = shared ? describe : describe.skip;

describeShared('Groups across two instances sharing PostgreSQL and Redis', () => {
  let environment: TestEnvironment;
  let a: Omit<TestApp, 'close'>;
  let b: Omit<TestApp, 'close'>;

  beforeAll(async () => {
    environment = await testEnvironment();
    a = await startApp(environment.env);
    b = await startApp(environment.env);
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
    await environment.dispose();
  });

  it('drops a shared agent from a catalogue cached on A when B removes the member', async () => {
    const onA = { ...a, close: async () => undefined };
    const admin = await signUp(onA);
    const owner = await signUp(onA);
    const member = await signUp(onA);
    const group = (await b.http().post('/api/admin/groups').set(admin.auth).send({ name: 'Cluster' }).expect(201)).body.id;
    for (const user of [owner, member]) await b.http().put(`/api/admin/groups/${group}/members/${user.id}`).set(admin.auth).expect(204);
    const agent = (await a.http().post('/api/agents').set(owner.auth).send({ name: 'Clustered', visibility: 'groups', group_ids: [group] }).expect(201)).body.id;
    const listedOnA = async () => ((await a.http().get('/api/agents').set(member.auth).expect(200)).body.items as Named[]).map((x) => x.id);
    expect(await listedOnA()).toContain(agent);
    expect(await listedOnA()).toContain(agent); // from A's cache

    await b.http().delete(`/api/admin/groups/${group}/members/${member.id}`).set(admin.auth).expect(204);
    expect(await listedOnA()).not.toContain(agent);
  });
});
