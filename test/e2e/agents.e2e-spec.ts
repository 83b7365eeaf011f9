import { CACHE_MANAGER } from '@nestjs/cache-manager';
import type { Cache } from 'cache-manager';
import { DataSource } from 'typeorm';
import { PUBLIC_AGENTS_CACHE_KEY } from '#agents';
import { Agent } from '#database';
import { signUp, SignedIn } from '../support/auth';
import { startTestApp, TestApp } from '../support/test-app';

describe('Agents: CRUD, visibility and the cached catalogue', () => {
  let t: TestApp;
  let admin: SignedIn;
  let owner: SignedIn;
  let other: SignedIn;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t);
    owner = await signUp(t);
    other = await signUp(t);
  });
  afterAll(() => t.close());

  const create = (user: SignedIn, body: object) => t.http().post('/api/agents').set(user.auth).send(body);

  it('creates an agent as in the seed, with defaults, owned by the caller', async () => {
    const response = await create(owner, { name: 'Test Agent', system_prompt: 'You are a test agent' }).expect(201);
    expect(response.body).toMatchObject({
      name: 'Test Agent',
      system_prompt: 'You are a test agent',
      learn_from_interaction: false,
      is_public: false,
      owner_id: owner.id,
      model: 'mistral-small-latest',
      temperature: 0.7,
      avatar_url: null,
    });
    expect(response.body.owner_trigramme).toMatch(/^[A-Z]{3}$/);
    expect(JSON.stringify(response.body)).not.toMatch(/@example\.org/);
  });

  it('rejects invalid agents with 422 and stores nothing', async () => {
    const before = await t.app.get(DataSource).getRepository(Agent).count();
    const cases: [object, string][] = [
      [{ name: 'A', temperature: 2.5 }, 'temperature'],
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'A', model: 'gpt-4o' }, 'model'],
      [{ name: 'A', owner_id: other.id }, 'owner_id'],
      [{ name: 'A', avatar_url: 'javascript:alert(1)' }, 'avatar_url'],
      [{ name: 'A', system_prompt: 'x'.repeat(32_001) }, 'system_prompt'],
      [{ name: null }, 'name'],
    ];
    for (const [body, field] of cases) {
      const response = await create(owner, body).expect(422);
      expect(response.body.detail.map((problem: { loc: string[] }) => problem.loc[1])).toContain(field);
    }
    const unknownModel = await create(owner, { name: 'A', model: 'gpt-4o' }).expect(422);
    expect(unknownModel.body.detail[0].msg).toBe('model must be one of: mistral-small-latest, pixtral-large-latest');
    expect(await t.app.get(DataSource).getRepository(Agent).count()).toBe(before);
  });

  it('keeps fallback models: other chat models, distinct, at most five, each bad entry named', async () => {
    const plain = (await create(owner, { name: 'No fallback' }).expect(201)).body;
    expect(plain.fallback_models).toEqual([]);
    const agent = (await create(owner, { name: 'With fallback', is_public: true, fallback_models: ['pixtral-large-latest'] }).expect(201)).body;
    expect(agent).toMatchObject({ model: 'mistral-small-latest', fallback_models: ['pixtral-large-latest'] });
    expect((await t.http().get(`/api/agents/${agent.id}`).set(other.auth).expect(200)).body.fallback_models).toEqual(['pixtral-large-latest']);
    const catalogue = (await t.http().get('/api/agents').query({ limit: 100 }).set(other.auth).expect(200)).body.items;
    expect(catalogue.find((a: { id: number }) => a.id === agent.id).fallback_models).toEqual(['pixtral-large-latest']);
    const directory = (await t.http().get('/api/admin/agents').query({ limit: 100 }).set(admin.auth).expect(200)).body.items;
    expect(directory.find((a: { id: number }) => a.id === agent.id).fallback_models).toEqual(['pixtral-large-latest']);

    const before = await t.app.get(DataSource).getRepository(Agent).count();
    const refused = async (body: object) => (await create(owner, { name: 'Bad fallback', ...body }).expect(422)).body.detail;
    expect(await refused({ fallback_models: ['pixtral-large-latest', 'gpt-4o'] })).toEqual([
      { loc: ['body', 'fallback_models', 1], msg: 'fallback_models[1] must be one of: mistral-small-latest, pixtral-large-latest' },
    ]);
    expect(await refused({ fallback_models: ['mistral-small-latest'] })).toEqual([
      { loc: ['body', 'fallback_models', 0], msg: "fallback_models[0] is the agent's own model: a fallback must be another one" },
    ]);
    expect(await refused({ model: 'pixtral-large-latest', fallback_models: ['mistral-small-latest', 'mistral-small-latest'] })).toEqual([
      { loc: ['body', 'fallback_models', 1], msg: 'fallback_models[1] repeats fallback_models[0]' },
    ]);
    for (const fallback_models of [Array(6).fill('pixtral-large-latest'), 'pixtral-large-latest', [7], null]) {
      const detail = await refused({ fallback_models });
      expect(detail.map((problem: { loc: string[] }) => problem.loc[1])).toContain('fallback_models');
    }
    expect(await t.app.get(DataSource).getRepository(Agent).count()).toBe(before);

    // An update checks the list against the agent's model, and a new model against the list it keeps.
    const own = await t.http().put(`/api/agents/${agent.id}`).set(owner.auth).send({ fallback_models: ['mistral-small-latest'] }).expect(422);
    expect(own.body.detail[0].loc).toEqual(['body', 'fallback_models', 0]);
    const clash = await t.http().put(`/api/agents/${agent.id}`).set(owner.auth).send({ model: 'pixtral-large-latest' }).expect(422);
    expect(clash.body.detail).toEqual([{ loc: ['body', 'model'], msg: 'model is one of the fallback_models: send fallback_models without it' }]);
    const renamed = await t.http().put(`/api/agents/${agent.id}`).set(owner.auth).send({ name: 'Still with fallback' }).expect(200);
    expect(renamed.body.fallback_models).toEqual(['pixtral-large-latest']);
    const swapped = await t.http()
      .put(`/api/agents/${agent.id}`)
      .set(owner.auth)
      .send({ model: 'pixtral-large-latest', fallback_models: ['mistral-small-latest'] })
      .expect(200);
    expect(swapped.body).toMatchObject({ model: 'pixtral-large-latest', fallback_models: ['mistral-small-latest'] });
    const cleared = await t.http().put(`/api/agents/${agent.id}`).set(owner.auth).send({ fallback_models: [] }).expect(200);
    expect(cleared.body.fallback_models).toEqual([]);
  });

  it('shows a private agent to its owner and admins only; others get 404 like a missing id', async () => {
    const agent = (await create(owner, { name: 'Private' }).expect(201)).body;
    await t.http().get(`/api/agents/${agent.id}`).set(owner.auth).expect(200);
    await t.http().get(`/api/agents/${agent.id}`).set(admin.auth).expect(200);
    const hidden = await t.http().get(`/api/agents/${agent.id}`).set(other.auth).expect(404);
    const missing = await t.http().get('/api/agents/999999').set(other.auth).expect(404);
    expect(hidden.body).toEqual(missing.body);
    await t.http().get(`/api/agents/${agent.id}`).expect(401);
    await t.http().put(`/api/agents/${agent.id}`).set(other.auth).send({ name: 'Mine now' }).expect(404);
    await t.http().delete(`/api/agents/${agent.id}`).set(other.auth).expect(404);
    await t.http().get('/api/agents/abc').set(owner.auth).expect(404);
    await t.http().get('/api/agents/99999999999').set(owner.auth).expect(404);
    const mine = await t.http().get('/api/agents/my').set(owner.auth).expect(200);
    expect(mine.body.items.map((a: { id: number }) => a.id)).toContain(agent.id);
    const theirs = await t.http().get('/api/agents/my').set(other.auth).expect(200);
    expect(theirs.body.items.map((a: { id: number }) => a.id)).not.toContain(agent.id);
  });

  it('lets everyone see a public agent, but only its owner or an admin change or delete it', async () => {
    const agent = (await create(owner, { name: 'Shared', is_public: true }).expect(201)).body;
    await t.http().get(`/api/agents/${agent.id}`).set(other.auth).expect(200);
    await t.http().put(`/api/agents/${agent.id}`).set(other.auth).send({ name: 'Hijacked' }).expect(403);
    await t.http().delete(`/api/agents/${agent.id}`).set(other.auth).expect(403);
    const partial = await t.http().put(`/api/agents/${agent.id}`).set(owner.auth).send({ temperature: 0.2 }).expect(200);
    expect(partial.body).toMatchObject({ name: 'Shared', temperature: 0.2, is_public: true });
    const byAdmin = await t.http().put(`/api/agents/${agent.id}`).set(admin.auth).send({ avatar_url: 'https://example.org/a.png' }).expect(200);
    expect(byAdmin.body).toMatchObject({ avatar_url: 'https://example.org/a.png', owner_id: owner.id });
    const cleared = await t.http().put(`/api/agents/${agent.id}`).set(owner.auth).send({ avatar_url: null }).expect(200);
    expect(cleared.body.avatar_url).toBeNull();
    await t.http().put(`/api/agents/${agent.id}`).set(owner.auth).send({ name: null }).expect(422);
    await t.http().put(`/api/agents/${agent.id}`).set(owner.auth).send({ owner_id: other.id }).expect(422);
    await t.http().delete(`/api/agents/${agent.id}`).set(admin.auth).expect(204);
    await t.http().get(`/api/agents/${agent.id}`).set(owner.auth).expect(404);
  });

  it('keeps the public catalogue cached, and refreshes it on every change', async () => {
    const names = async () =>
      (await t.http().get('/api/agents').set(other.auth).expect(200)).body.items.map((a: { name: string }) => a.name);
    const agent = (await create(owner, { name: 'Catalogue A', is_public: true }).expect(201)).body;
    expect(await names()).toContain('Catalogue A');

    // A change made behind the service's back is not seen: the second read came from the cache.
    const cache = t.app.get<Cache>(CACHE_MANAGER);
    expect(await cache.get(PUBLIC_AGENTS_CACHE_KEY)).toBeDefined();
    await t.app.get(DataSource).getRepository(Agent).update(agent.id, { name: 'Changed directly' });
    expect(await names()).toContain('Catalogue A');

    await t.http().put(`/api/agents/${agent.id}`).set(owner.auth).send({ name: 'Catalogue B' }).expect(200);
    expect(await names()).toContain('Catalogue B');
    await t.http().put(`/api/agents/${agent.id}`).set(owner.auth).send({ is_public: false }).expect(200);
    expect(await names()).not.toContain('Catalogue B');
    await t.http().put(`/api/agents/${agent.id}`).set(owner.auth).send({ is_public: true }).expect(200);
    expect(await names()).toContain('Catalogue B');
    await t.http().delete(`/api/agents/${agent.id}`).set(owner.auth).expect(204);
    expect(await names()).not.toContain('Catalogue B');
    await create(owner, { name: 'Catalogue C', is_public: true }).expect(201);
    expect(await names()).toContain('Catalogue C');
  });

  it('pages the catalogue and my agents with limit and before, each agent once', async () => {
    const pager = await signUp(t);
    for (const name of ['Paged B', 'Paged A', 'Paged C']) await create(pager, { name, is_public: true }).expect(201);
    const walk = async (path: string) => {
      const seen: { id: number; name: string }[] = [];
      let before: number | null = null;
      do {
        const response = await t.http().get(path).query(before ? { limit: 2, before } : { limit: 2 }).set(pager.auth).expect(200);
        const page = response.body as { items: { id: number; name: string }[]; next_before: number | null };
        expect(page.items.length).toBeLessThanOrEqual(2);
        if (page.next_before !== null) expect(page.next_before).toBe(page.items[1].id);
        seen.push(...page.items);
        before = page.next_before;
      } while (before !== null);
      return seen;
    };
    const catalogue = await walk('/api/agents');
    const all = (await t.http().get('/api/agents').query({ limit: 100 }).set(pager.auth).expect(200)).body;
    expect(all.next_before).toBeNull();
    expect(catalogue).toEqual(all.items);
    const paged = catalogue.filter((agent) => agent.name.startsWith('Paged')).map((agent) => agent.name);
    expect(paged).toEqual(['Paged A', 'Paged B', 'Paged C']);

    const mine = await walk('/api/agents/my');
    expect(mine.map((agent) => agent.name)).toEqual(['Paged C', 'Paged A', 'Paged B']);

    // A cursor that left the catalogue has no place in it any more: list again from the start.
    const gone = catalogue.find((agent) => agent.name === 'Paged A')!;
    await t.http().put(`/api/agents/${gone.id}`).set(pager.auth).send({ is_public: false }).expect(200);
    const stale = await t.http().get('/api/agents').query({ before: gone.id }).set(pager.auth).expect(422);
    expect(stale.body.detail[0].loc).toEqual(['query', 'before']);
    await t.http().get('/api/agents').query({ limit: 101 }).set(pager.auth).expect(422);
    await t.http().get('/api/agents/my').query({ limit: 0 }).set(pager.auth).expect(422);
  });
});
