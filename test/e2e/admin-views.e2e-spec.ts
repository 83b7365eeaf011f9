import { DataSource } from 'typeorm';
import { Agent, AgentGroup, Group, GroupMember, Message, UsageRecord } from '#database';
import type { UsagePurpose } from '#database';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, startChatApp } from '../support/chat-app';

type Grouping = 'user' | 'group' | 'agent' | 'model' | 'purpose' | 'day' | 'month';
const GROUPINGS: Grouping[] = ['user', 'group', 'agent', 'model', 'purpose', 'day', 'month'];

interface Row {
  key: string | null;
  label: string;
  calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: string | null;
  estimated_calls: number;
}

interface Seeded {
  user_id: number | null;
  agent_id: number | null;
  model: string;
  purpose: UsagePurpose;
  prompt_tokens: number;
  completion_tokens: number;
  estimated: boolean;
  /** In units of 1e-8, null when unpriced. */
  cost: bigint | null;
  created_at: Date;
}

const money = (units: bigint) => `${units / 100_000_000n}.${(units % 100_000_000n).toString().padStart(8, '0')}`;

/** The sums the API should give for these ledger rows. */
function sums(rows: Seeded[]): Omit<Row, 'key' | 'label'> {
  const priced = rows.filter((row) => row.cost !== null);
  const prompt = rows.reduce((total, row) => total + row.prompt_tokens, 0);
  const completion = rows.reduce((total, row) => total + row.completion_tokens, 0);
  return {
    calls: rows.length,
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    cost: priced.length ? money(priced.reduce((total, row) => total + row.cost!, 0n)) : null,
    estimated_calls: rows.filter((row) => row.estimated).length,
  };
}

/** A small RFC 4180 reader: quoted fields, doubled quotes, CRLF line ends. */
function parseCsv(text: string): string[][] {
  const lines: string[][] = [];
  let field = '';
  let line: string[] = [];
  let quoted = false;
  const endField = () => {
    line.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted && char === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted && char === '"') quoted = false;
    else if (quoted) field += char;
    else if (char === '"') quoted = true;
    else if (char === ',') endField();
    else if (char === '\r' && text[i + 1] === '\n') {
      endField();
      lines.push(line);
      line = [];
      i++;
    } else field += char;
  }
  expect(field).toBe('');
  return lines;
}

describe('Admin views: usage reports, every agent, user detail', () => {
  let c: ChatApp;
  let admin: SignedIn;
  let alice: SignedIn;
  let bob: SignedIn;
  let carol: SignedIn;
  let dave: SignedIn;
  let db: DataSource;
  const emails = new Map<number, string>();
  const agentNames = new Map<number, string>();
  const memberships = new Map<number, number[]>();
  const seeded: Seeded[] = [];
  let finance: number;
  let lab: number;
  const agents: Record<'alice' | 'bob' | 'dave' | 'carol' | 'bobOld', number> = { alice: 0, bob: 0, dave: 0, carol: 0, bobOld: 0 };

  const http = () => c.t.http();
  const get = (path: string, who: SignedIn = admin) => http().get(path).set(who.auth);
  const RANGE = 'from=2025-11-01&to=2025-11-30';

  const createAgent = async (owner: SignedIn, name: string, extra: object = {}) => {
    const created = await http().post('/api/agents').set(owner.auth).send({ name, system_prompt: 'Be brief.', ...extra }).expect(201);
    agentNames.set(created.body.id, name);
    return created.body.id as number;
  };

  beforeAll(async () => {
    c = await startChatApp({ ADMIN_EMAIL: 'root@example.org', ADMIN_TRIGRAMME: 'ROO', ADMIN_PASSWORD: 'bootstrap password' });
    db = c.t.app.get(DataSource);
    const login = await http().post('/api/auth/login').send({ email: 'root@example.org', password: 'bootstrap password' }).expect(200);
    admin = { id: login.body.user.id, token: login.body.access_token, auth: { Authorization: `Bearer ${login.body.access_token}` } };
    for (const [name, trigramme] of [['alice', 'ALC'], ['bob', 'BBB'], ['carol', 'CRL'], ['dave', 'DVE']] as const) {
      const user = await signUp(c.t, { email: `${name}@example.org`, trigramme });
      emails.set(user.id, `${name}@example.org`);
      if (name === 'alice') alice = user;
      if (name === 'bob') bob = user;
      if (name === 'carol') carol = user;
      if (name === 'dave') dave = user;
    }

    finance = (await db.getRepository(Group).save({ name: 'Finance' })).id;
    lab = (await db.getRepository(Group).save({ name: 'Lab' })).id;
    // Dave belongs to both groups: his calls count in each.
    for (const [group, user] of [[finance, alice.id], [finance, dave.id], [lab, bob.id], [lab, dave.id]]) {
      await db.getRepository(GroupMember).insert({ group_id: group, user_id: user });
      memberships.set(user, [...(memberships.get(user) ?? []), group]);
    }

    agents.alice = await createAgent(alice, 'Alice private');
    agents.bob = await createAgent(bob, 'Bob public', { is_public: true });
    agents.dave = await createAgent(dave, 'Dave, "shared"');
    await db.getRepository(Agent).update(agents.dave, { visibility: 'groups' });
    await db.getRepository(AgentGroup).insert({ agent_id: agents.dave, group_id: finance });
    agents.carol = await createAgent(carol, 'Carol agent');
    agents.bobOld = await createAgent(bob, 'Bob old');
    await http().delete(`/api/agents/${agents.bobOld}`).set(bob.auth).expect(204);

    // A deterministic ledger over November 2025, plus rows just outside it.
    const users = [alice.id, bob.id, carol.id, dave.id, null];
    const agentIds = [agents.alice, agents.bob, agents.dave, agents.carol, null];
    const models = ['sim-chat', 'mistral-embed', '=odd, "model"'];
    const purposes: UsagePurpose[] = ['answer', 'title', 'document_embedding', 'regenerate'];
    const at = (i: number) => new Date(Date.UTC(2025, 10, 1) + i * 17 * 3600_000);
    const times = [...Array.from({ length: 40 }, (_, i) => at(i)), new Date('2025-11-30T23:59:59.999Z'), new Date('2025-10-31T23:59:59.999Z'), new Date('2025-12-01T00:00:00Z')];
    times.forEach((created_at, i) => {
      const prompt_tokens = 100 + i * 7;
      const completion_tokens = 10 + i * 3;
      seeded.push({
        user_id: users[i % 5],
        agent_id: agentIds[(i * 3) % 5],
        model: models[i % 3],
        purpose: purposes[i % 4],
        prompt_tokens,
        completion_tokens,
        estimated: i % 4 === 0,
        cost: i % 3 === 2 ? null : BigInt(prompt_tokens * 2 + completion_tokens * 6) * 100n,
        created_at,
      });
    });
    await db.getRepository(UsageRecord).insert(
      seeded.map((row) => ({
        ...row,
        cost: row.cost === null ? null : money(row.cost),
        provider: 'mistral',
        latency_ms: 5,
        outcome: 'complete' as const,
      })),
    );

    // Carol leaves: her rows stay counted under her id only.
    await http().delete(`/api/admin/users/${carol.id}`).set(admin.auth).expect(204);
  });
  afterAll(() => c.close());

  const inNovember = (row: Seeded) => row.created_at >= new Date('2025-11-01T00:00:00Z') && row.created_at < new Date('2025-12-01T00:00:00Z');

  /** The rows a report by `by` should have, in its order. */
  async function expectedRows(by: Grouping, rows: Seeded[]): Promise<Row[]> {
    const keysOf = (row: Seeded): (string | null)[] => {
      const date = row.created_at.toISOString();
      if (by === 'user') return [row.user_id === null ? null : String(row.user_id)];
      if (by === 'agent') return [row.agent_id === null ? null : String(row.agent_id)];
      if (by === 'group') {
        const groups = row.user_id === null ? [] : (memberships.get(row.user_id) ?? []);
        return groups.length ? groups.map(String) : [null];
      }
      if (by === 'model') return [row.model];
      if (by === 'purpose') return [row.purpose];
      return [by === 'day' ? date.slice(0, 10) : date.slice(0, 7)];
    };
    const grouped = new Map<string | null, Seeded[]>();
    for (const row of rows) for (const key of keysOf(row)) grouped.set(key, [...(grouped.get(key) ?? []), row]);
    const carolAgentLeft = await db.getRepository(Agent).findOne({ where: { id: agents.carol }, withDeleted: true });
    const label = (key: string | null): string => {
      if (key === null) return `no ${by}`;
      if (by === 'user') return Number(key) === carol.id ? `deleted user #${key}` : emails.get(Number(key)) ?? 'root@example.org';
      if (by === 'group') return Number(key) === finance ? 'Finance' : 'Lab';
      if (by === 'agent') return Number(key) === agents.carol && !carolAgentLeft ? `deleted agent #${key}` : agentNames.get(Number(key))!;
      return key;
    };
    const numeric = by === 'user' || by === 'group' || by === 'agent';
    const keys = [...grouped.keys()].sort((a, b) => {
      if (a === null || b === null) return a === null ? 1 : -1;
      if (numeric) return Number(b) - Number(a);
      if (by === 'day' || by === 'month') return a < b ? 1 : -1;
      return a < b ? -1 : 1;
    });
    return keys.map((key) => ({ key, label: label(key), ...sums(grouped.get(key)!) }));
  }

  async function allPages(query: string, limit: number): Promise<Row[]> {
    const rows: Row[] = [];
    let before: string | null = null;
    do {
      const cursor: string = before === null ? '' : `&before=${encodeURIComponent(before)}`;
      const page = await get(`/api/admin/usage?${query}&limit=${limit}${cursor}`).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(limit);
      rows.push(...page.body.items);
      before = page.body.next_before;
    } while (before !== null);
    return rows;
  }

  it.each(GROUPINGS)('by %s: every row, totals of the whole range, pages covering each row once, and the same CSV', async (by) => {
    const november = seeded.filter(inNovember);
    const report = await get(`/api/admin/usage?group_by=${by}&${RANGE}&limit=1000`).expect(200);
    expect(report.body).toMatchObject({ group_by: by, from: '2025-11-01T00:00:00.000Z', to: '2025-12-01T00:00:00.000Z', next_before: null });
    expect(report.body.items).toEqual(await expectedRows(by, november));
    expect(report.body.totals).toEqual(sums(november));

    const summed = sums([]);
    let cost = 0n;
    for (const row of report.body.items as Row[]) {
      for (const field of ['calls', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'estimated_calls'] as const) summed[field] += row[field];
      if (row.cost !== null) cost += BigInt(row.cost.replace('.', ''));
    }
    summed.cost = money(cost);
    if (by === 'group') {
      // Dave is in both groups: his calls count twice; everyone else's once.
      const daves = sums(november.filter((row) => row.user_id === dave.id));
      expect(summed.calls).toBe(report.body.totals.calls + daves.calls);
      expect(summed.total_tokens).toBe(report.body.totals.total_tokens + daves.total_tokens);
    } else {
      expect(summed).toEqual(report.body.totals);
    }

    expect(await allPages(`group_by=${by}&${RANGE}`, 2)).toEqual(report.body.items);

    // Paging does not apply to the CSV: `limit` is ignored.
    const csv = await get(`/api/admin/usage?group_by=${by}&${RANGE}&format=csv&limit=1`).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="usage-by-${by}-2025-11-01-to-2025-11-30.csv"`);
    const [header, ...lines] = parseCsv(csv.text);
    expect(header).toEqual(['key', 'label', 'calls', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'cost', 'estimated_calls']);
    const formula = (text: string) => (/^[=+\-@]/.test(text) ? `'${text}` : text);
    expect(lines).toEqual(
      (report.body.items as Row[]).map((row) => [
        row.key === null ? '' : formula(row.key),
        formula(row.label),
        ...[row.calls, row.prompt_tokens, row.completion_tokens, row.total_tokens].map(String),
        row.cost ?? '',
        String(row.estimated_calls),
      ]),
    );
  });

  it('streams every row of a CSV larger than one batch', async () => {
    // 1,100 days of one call each: more than the 1,000 rows the export reads at once.
    const start = Date.UTC(2020, 0, 1);
    await db.getRepository(UsageRecord).insert(
      Array.from({ length: 1100 }, (_, i) => ({
        user_id: bob.id, agent_id: null, chat_id: null, message_id: null, document_id: null, purpose: 'title' as const, provider: 'mistral',
        model: 'bulk-model', prompt_tokens: 1, completion_tokens: 1, estimated: false, latency_ms: 1, outcome: 'complete' as const, cost: null,
        created_at: new Date(start + i * 86_400_000),
      })),
    );
    const csv = await get('/api/admin/usage?group_by=day&from=2020-01-01&to=2023-01-04&model=bulk-model&format=csv').expect(200);
    const [, ...lines] = parseCsv(csv.text);
    expect(lines).toHaveLength(1100);
    expect(new Set(lines.map((line) => line[0])).size).toBe(1100);
    expect(lines[0][0]).toBe('2023-01-04');
    expect(lines[1099][0]).toBe('2020-01-01');
  });

  it('filters by user, group, agent, model and purpose', async () => {
    const november = seeded.filter(inNovember);
    const cases: [string, (row: Seeded) => boolean][] = [
      [`user_id=${alice.id}`, (row) => row.user_id === alice.id],
      [`user_id=${carol.id}`, (row) => row.user_id === carol.id],
      [`group_id=${finance}`, (row) => row.user_id === alice.id || row.user_id === dave.id],
      [`agent_id=${agents.bob}`, (row) => row.agent_id === agents.bob],
      [`model=${encodeURIComponent('=odd, "model"')}`, (row) => row.model === '=odd, "model"'],
      ['purpose=answer', (row) => row.purpose === 'answer'],
      [`purpose=title&user_id=${dave.id}`, (row) => row.purpose === 'title' && row.user_id === dave.id],
    ];
    for (const [filter, keep] of cases) {
      const rows = november.filter(keep);
      const report = await get(`/api/admin/usage?group_by=day&${RANGE}&${filter}&limit=1000`).expect(200);
      expect([filter, report.body.totals]).toEqual([filter, sums(rows)]);
      expect([filter, report.body.items]).toEqual([filter, await expectedRows('day', rows)]);
    }
    // By group within one group: only that group's row.
    const finance_ = await get(`/api/admin/usage?group_by=group&${RANGE}&group_id=${finance}`).expect(200);
    expect(finance_.body.items.map((row: Row) => row.key)).toEqual([String(finance)]);
    expect(finance_.body.items[0]).toMatchObject({ label: 'Finance', calls: finance_.body.totals.calls });
  });

  it('includes both ends of a range of dates, and excludes the end of a range of date-times', async () => {
    const report = await get(`/api/admin/usage?group_by=month&from=2025-10-31T23:59:59.999Z&to=2025-12-01`).expect(200);
    expect(report.body.items.map((row: Row) => [row.key, row.calls])).toEqual([
      ['2025-12', 1],
      ['2025-11', seeded.filter(inNovember).length],
      ['2025-10', 1],
    ]);
    // The first two seeded rows are at 00:00 and 17:00 on 1 November: `to` at 17:00 leaves the second out.
    const early = await get('/api/admin/usage?group_by=day&from=2025-11-01&to=2025-11-01T17:00:00Z').expect(200);
    expect(early.body.totals).toEqual(sums([seeded[0]]));
    const zoned = await get('/api/admin/usage?group_by=day&from=2025-11-01T01:00:00%2B01:00&to=2025-11-01T17:00:00.001').expect(200);
    expect(zoned.body.totals).toEqual(sums([seeded[0], seeded[1]]));
  });

  it('reports this month so far by default, and refuses bad queries with 422', async () => {
    const now = new Date();
    await db.getRepository(UsageRecord).insert({
      user_id: bob.id, agent_id: null, chat_id: null, message_id: null, document_id: null, purpose: 'title', provider: 'mistral', model: 'now-model',
      prompt_tokens: 3, completion_tokens: 4, estimated: true, latency_ms: 1, outcome: 'complete', cost: null,
    });
    const report = await get('/api/admin/usage?model=now-model').expect(200);
    expect(report.body).toMatchObject({ group_by: 'user', from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString() });
    expect(report.body.items).toEqual([{ key: String(bob.id), label: 'bob@example.org', calls: 1, prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, cost: null, estimated_calls: 1 }]);

    for (const query of [
      'group_by=week',
      'from=yesterday',
      'from=2025-02-30',
      'from=2025-11-02&to=2025-11-01',
      'group_by=user&before=alice',
      'group_by=day&before=2025-11',
      'group_by=agent&before=99999999999',
      'purpose=chat',
      'user_id=0',
      'limit=1001',
      'format=xml',
    ]) {
      const refused = await get(`/api/admin/usage?${query}`);
      expect([query, refused.status]).toEqual([query, 422]);
      expect(refused.body.detail).toEqual(expect.any(Array));
    }
  });

  it('lists every agent with owner, sharing, chat count and last use', async () => {
    const chat = async (who: SignedIn, agentId: number) =>
      (await http().post('/api/chats').set(who.auth).send({ agent_id: agentId, title: 'Named' }).expect(201)).body.id as number;
    const aliceChat = await chat(alice, agents.alice);
    await chat(alice, agents.alice);
    await chat(alice, agents.bob);
    await chat(bob, agents.bob);
    await http().post('/api/messages').set(alice.auth).send({ chat_id: aliceChat, content: 'first', stream: false }).expect(201);
    await http().post('/api/messages').set(alice.auth).send({ chat_id: aliceChat, content: 'second', stream: false }).expect(201);
    const latest = await db.getRepository(Message).findOneOrFail({ where: { chat_id: aliceChat }, order: { id: 'DESC' } });

    const all = await get('/api/admin/agents?limit=100').expect(200);
    const byId = new Map<number, Record<string, unknown>>(all.body.items.map((agent: { id: number }) => [agent.id, agent]));
    expect(all.body.items.map((agent: { id: number }) => agent.id)).toEqual([agents.dave, agents.bob, agents.alice]);
    expect(byId.get(agents.alice)).toEqual({
      id: agents.alice,
      name: 'Alice private',
      owner: { id: alice.id, email: 'alice@example.org', trigramme: 'ALC' },
      visibility: 'private',
      group_ids: [],
      model: expect.any(String),
      fallback_models: [],
      chat_count: 2,
      last_used_at: latest.created_at.toISOString(),
      feedback_up: 0,
      feedback_down: 0,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      deleted_at: null,
    });
    expect(byId.get(agents.bob)).toMatchObject({ visibility: 'public', chat_count: 2, last_used_at: null, owner: { email: 'bob@example.org' } });
    expect(byId.get(agents.dave)).toMatchObject({ visibility: 'groups', group_ids: [finance], chat_count: 0, last_used_at: null });
    expect(byId.has(agents.bobOld)).toBe(false);

    const withDeleted = await get('/api/admin/agents?include_deleted=true').expect(200);
    expect(withDeleted.body.items.find((agent: { id: number }) => agent.id === agents.bobOld)).toMatchObject({ name: 'Bob old', deleted_at: expect.any(String) });

    const pick = async (query: string) => (await get(`/api/admin/agents?${query}`).expect(200)).body.items.map((agent: { id: number }) => agent.id);
    expect(await pick('q=PUBLIC')).toEqual([agents.bob]);
    expect(await pick('q=%25')).toEqual([]);
    expect(await pick(`owner_id=${bob.id}&include_deleted=true`)).toEqual([agents.bobOld, agents.bob]);
    expect(await pick('visibility=groups')).toEqual([agents.dave]);

    const paged: number[] = [];
    let before: number | null = null;
    do {
      const page: { body: { items: { id: number }[]; next_before: number | null } } = await get(`/api/admin/agents?limit=1${before ? `&before=${before}` : ''}`).expect(200);
      paged.push(...page.body.items.map((agent) => agent.id));
      before = page.body.next_before;
    } while (before !== null);
    expect(paged).toEqual(all.body.items.map((agent: { id: number }) => agent.id));

    for (const query of ['visibility=secret', 'include_deleted=maybe', 'owner_id=abc', 'limit=0']) {
      expect([query, (await get(`/api/admin/agents?${query}`)).status]).toEqual([query, 422]);
    }
  });

  it('counts real answers in the ledger the report reads', async () => {
    const erin = await signUp(c.t, { email: 'erin@example.org', trigramme: 'ERN' });
    const agentId = await createAgent(erin, 'Erin agent');
    const chatId = (await http().post('/api/chats').set(erin.auth).send({ agent_id: agentId, title: 'Named' }).expect(201)).body.id;
    for (const content of ['one', 'two']) {
      await http().post('/api/messages').set(erin.auth).send({ chat_id: chatId, content, stream: false }).expect(201);
    }
    const answers = await db.getRepository(Message).find({ where: { chat_id: chatId, role: 'assistant' } });
    expect(answers).toHaveLength(2);
    // Answers only: other calls (e.g. embedding the question for retrieval) have their own purposes.
    const report = await get(`/api/admin/usage?group_by=purpose&user_id=${erin.id}`).expect(200);
    expect(report.body.items.find((row: Row) => row.key === 'answer')).toMatchObject({
      calls: 2,
      prompt_tokens: answers.reduce((total, m) => total + (m.prompt_tokens ?? 0), 0),
      completion_tokens: answers.reduce((total, m) => total + (m.completion_tokens ?? 0), 0),
    });
    expect(report.body.totals.calls).toBe(report.body.items.reduce((total: number, row: Row) => total + row.calls, 0));
    const byAgent = await get(`/api/admin/usage?group_by=agent&user_id=${erin.id}&purpose=answer`).expect(200);
    expect(byAgent.body.items).toEqual([expect.objectContaining({ key: String(agentId), label: 'Erin agent', calls: 2 })]);
  });

  it("shows a user's usage today and this month, and their live sessions", async () => {
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const row = (created_at: Date | undefined, purpose: UsagePurpose, prompt: number, completion: number, cost: string | null) => ({
      user_id: dave.id, agent_id: null, chat_id: null, message_id: null, document_id: null, purpose, provider: 'mistral', model: 'sim-chat',
      prompt_tokens: prompt, completion_tokens: completion, estimated: false, latency_ms: 1, outcome: 'complete' as const, cost,
      ...(created_at ? { created_at } : {}),
    });
    await db.getRepository(UsageRecord).insert([
      row(undefined, 'answer', 100, 20, '0.00100000'),
      row(undefined, 'title', 50, 5, null),
      row(new Date(monthStart.getTime() - 1), 'answer', 1000, 1000, '1.00000000'),
    ]);
    const firstOfMonth = now.getUTCDate() === 1;
    if (!firstOfMonth) await db.getRepository(UsageRecord).insert(row(monthStart, 'regenerate', 10, 10, '0.01000000'));

    await http().post('/api/auth/login').send({ email: 'dave@example.org', password: 'correct horse battery' }).expect(200);
    const third = await http().post('/api/auth/login').set('User-Agent', 'AdminViewsTest/1.0').send({ email: 'dave@example.org', password: 'correct horse battery' }).expect(200);
    await http().delete('/api/sessions').set({ Authorization: `Bearer ${third.body.access_token}` }).expect(204);
    // Dave's first two sessions are revoked now; the third one is live.

    const detail = await get(`/api/admin/users/${dave.id}`).expect(200);
    expect(detail.body).toMatchObject({ id: dave.id, email: 'dave@example.org', trigramme: 'DVE', is_active: true, is_admin: false });
    expect(detail.body).not.toHaveProperty('hashed_password');
    expect(detail.body.usage).toEqual({
      today: { tokens: 175, messages: 1, cost: '0.00100000' },
      this_month: firstOfMonth ? { tokens: 175, messages: 1, cost: '0.00100000' } : { tokens: 195, messages: 2, cost: '0.01100000' },
    });
    expect(detail.body.sessions).toEqual([
      { id: expect.any(String), created_at: expect.any(String), last_seen_at: expect.any(String), ip: expect.any(String), user_agent: 'AdminViewsTest/1.0', expires_at: expect.any(String) },
    ]);

    const mine = await http().get('/api/sessions').set({ Authorization: `Bearer ${third.body.access_token}` }).expect(200);
    expect(detail.body.sessions[0].id).toBe(mine.body.items[0].id);

    const quiet = await get(`/api/admin/users/${bob.id}`).expect(200);
    expect(quiet.body.sessions).toHaveLength(1);
    await get('/api/admin/users/999999').expect(404);
  });

  it('refuses every admin view to non-admins (403) and to anonymous callers (401)', async () => {
    for (const path of ['/api/admin/usage', '/api/admin/usage?format=csv', '/api/admin/agents', `/api/admin/users/${alice.id}`]) {
      expect([path, (await get(path, alice)).status]).toEqual([path, 403]);
      expect([path, (await http().get(path)).status]).toEqual([path, 401]);
    }
  });
});
