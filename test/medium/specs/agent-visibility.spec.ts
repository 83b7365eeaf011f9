import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { AgentsModule, AgentsService } from '#agents';
import { ChatsModule, ChatsService } from '#chats';
import { ForbiddenError, NotFoundError } from '#common';
import { Agent, Document, Memory } from '#database';
import { LlmModule } from '#llm';
import { RetrievalModule } from '#retrieval';
import { createMediumContext, MediumContext } from '../medium-context';
import type { TestUser } from '../factories';

describe('Agent visibility (AgentsService, ChatsService)', () => {
  let ctx: MediumContext;
  let agents: AgentsService;
  let chats: ChatsService;
  let admin: TestUser;
  let owner: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    ctx = await createMediumContext({ imports: [AgentsModule, ChatsModule, LlmModule, RetrievalModule] });
    agents = ctx.get(AgentsService);
    chats = ctx.get(ChatsService);
    admin = await ctx.factories.admin();
    owner = await ctx.factories.user();
    other = await ctx.factories.user();
  });
  afterAll(() => ctx?.close());

  const publicCatalogue = async () => (JSON.parse(await agents.listCatalogueJson(other, { limit: 100 })) as { items: { id: number }[] }).items.map((a) => a.id);

  it('shows a private agent to its owner and admins; anyone else gets the same not-found as a missing id', async () => {
    const agent = await ctx.factories.agent(owner);
    await expect(agents.get(owner, agent.id)).resolves.toMatchObject({ id: agent.id, owner_trigramme: owner.trigramme });
    await expect(agents.get(admin, agent.id)).resolves.toMatchObject({ id: agent.id });

    const hidden = await agents.get(other, agent.id).catch((error: unknown) => error);
    const missing = await agents.get(other, 999_999).catch((error: unknown) => error);
    expect(hidden).toBeInstanceOf(NotFoundError);
    expect(hidden).toEqual(missing);
    // Not even a 403 to change it: that would confirm it exists.
    await expect(agents.update(other, agent.id, { name: 'Mine now' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(agents.remove(other, agent.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(chats.create(other, { agent_id: agent.id })).rejects.toBeInstanceOf(NotFoundError);
    expect((await agents.listMine(other, { limit: 100 })).items.map((a) => a.id)).not.toContain(agent.id);
    expect(await publicCatalogue()).not.toContain(agent.id);
  });

  it('lets everyone use a public agent, but only its owner or an admin change or delete it', async () => {
    const agent = await ctx.factories.agent(owner, { visibility: 'public', name: 'Shared' });
    await expect(agents.get(other, agent.id)).resolves.toMatchObject({ name: 'Shared' });
    await expect(chats.create(other, { agent_id: agent.id })).resolves.toMatchObject({ agent_id: agent.id });
    await expect(agents.update(other, agent.id, { name: 'Hijacked' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(agents.remove(other, agent.id)).rejects.toBeInstanceOf(ForbiddenError);

    await expect(agents.update(owner, agent.id, { temperature: 0.2 })).resolves.toMatchObject({ name: 'Shared', temperature: 0.2 });
    await expect(agents.update(admin, agent.id, { name: 'Renamed by admin' })).resolves.toMatchObject({
      name: 'Renamed by admin',
      owner_id: owner.id,
    });
    await agents.remove(admin, agent.id);
    await expect(agents.get(owner, agent.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('shows admins every agent, private ones of any owner included', async () => {
    const mine = await ctx.factories.agent(other);
    const theirs = await ctx.factories.agent(owner);
    for (const agent of [mine, theirs]) await expect(agents.get(admin, agent.id)).resolves.toMatchObject({ id: agent.id });
  });

  it('drops an agent from the public catalogue once it turns private, and lists it again once public', async () => {
    const agent = await ctx.factories.agent(owner, { visibility: 'public' });
    expect(await publicCatalogue()).toContain(agent.id);
    await agents.update(owner, agent.id, { is_public: false });
    expect(await publicCatalogue()).not.toContain(agent.id);
    await expect(agents.get(other, agent.id)).rejects.toBeInstanceOf(NotFoundError);
    await agents.update(owner, agent.id, { is_public: true });
    expect(await publicCatalogue()).toContain(agent.id);
  });

  it('hides a soft-deleted agent from everyone, its owner and admins included, while its chats stay readable', async () => {
    const agent = await ctx.factories.agent(owner, { visibility: 'public' });
    const chat = await ctx.factories.chat(other, agent);
    await agents.remove(owner, agent.id);

    for (const who of [owner, admin, other]) await expect(agents.get(who, agent.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(agents.update(owner, agent.id, { name: 'Back' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(chats.create(owner, { agent_id: agent.id })).rejects.toBeInstanceOf(NotFoundError);
    expect(await publicCatalogue()).not.toContain(agent.id);
    expect(await chats.findOwn(other, chat.id)).toMatchObject({ id: chat.id, agent: { id: agent.id, deleted_at: expect.any(Date) } });
  });

  it('deleting an agent keeps its row (soft) but removes its documents, their files, and its memories', async () => {
    const agent = await ctx.factories.agent(owner);
    const document = await ctx.factories.document(owner, { type: 'agent', id: agent.id });
    await ctx.factories.memory(other, agent, 'Prefers short answers.');
    const file = path.join(ctx.config.uploadDir, document.file_path);
    expect(existsSync(file)).toBe(true);

    await agents.remove(owner, agent.id);
    const db = ctx.get(DataSource);
    expect(await db.getRepository(Agent).findOne({ where: { id: agent.id }, withDeleted: true })).toMatchObject({ deleted_at: expect.any(Date) });
    expect(await db.getRepository(Document).countBy({ entity_type: 'agent', entity_id: agent.id })).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(await db.getRepository(Memory).countBy({ agent_id: agent.id })).toBe(0);
  });

  it('keeps my memories of an agent readable and erasable after it turns private; without any, it is not found', async () => {
    const agent = await ctx.factories.agent(owner, { visibility: 'public' });
    const memory = await ctx.factories.memory(other, agent, 'Works on the Lyon project.');
    await ctx.factories.memory(owner, agent, "The owner's own memory.");
    await agents.update(owner, agent.id, { is_public: false });

    expect((await agents.listMemories(other, agent.id, { limit: 100 })).items.map((m) => m.content)).toEqual(['Works on the Lyon project.']);
    await agents.forget(other, agent.id, memory.id);
    await expect(agents.listMemories(other, agent.id, { limit: 100 })).rejects.toBeInstanceOf(NotFoundError);
    expect((await agents.listMemories(owner, agent.id, { limit: 100 })).items.map((m) => m.content)).toEqual(["The owner's own memory."]);
  });

  it('pages my memories newest first', async () => {
    const agent = await ctx.factories.agent(owner, { visibility: 'public' });
    const learnt = [];
    for (const content of ['First.', 'Second.', 'Third.']) learnt.push(await ctx.factories.memory(other, agent, content));
    const first = await agents.listMemories(other, agent.id, { limit: 2 });
    expect(first).toEqual({ items: [expect.objectContaining({ content: 'Third.' }), expect.objectContaining({ content: 'Second.' })], next_before: learnt[1].id });
    const rest = await agents.listMemories(other, agent.id, { limit: 2, before: first.next_before! });
    expect(rest).toEqual({ items: [expect.objectContaining({ content: 'First.' })], next_before: null });
  });
});
