import { DataSource } from 'typeorm';
import { NotFoundError, TooManyRequestsError } from '#common';
import { AuditEvent, Budget, Group, GroupMember, UsageRecord } from '#database';
import type { BudgetLimits, UsagePurpose } from '#database';
import { BudgetAdmission, BudgetsService, UsageModule } from '#usage';
import { createMediumContext, MediumContext } from '../medium-context';
import type { TestUser } from '../factories';

const NONE: BudgetLimits = { tokens_per_day: null, tokens_per_month: null, messages_per_day: null };

describe('Budgets (BudgetsService, BudgetAdmission)', () => {
  let ctx: MediumContext;
  let budgets: BudgetsService;
  let admission: BudgetAdmission;
  let admin: TestUser;

  beforeAll(async () => {
    ctx = await createMediumContext({ imports: [UsageModule] });
    budgets = ctx.get(BudgetsService);
    admission = ctx.get(BudgetAdmission);
    admin = await ctx.factories.admin();
  });
  // Each test sets the budgets it means; the default would leak into the next one.
  beforeEach(() => ctx.get(DataSource).getRepository(Budget).clear());
  afterAll(() => ctx?.close());

  const data = () => ctx.get(DataSource);
  async function groupOf(...members: TestUser[]): Promise<Group> {
    const group = await data().getRepository(Group).save({ name: `Team ${Math.random().toString(36).slice(2)}` });
    await data().getRepository(GroupMember).save(members.map((member) => ({ group_id: group.id, user_id: member.id })));
    return group;
  }
  const set = (owner: Parameters<BudgetsService['set']>[1], limits: Partial<BudgetLimits>) => budgets.set(admin, owner, { ...NONE, ...limits });
  const limitsOf = async (user: TestUser) => (await admission.report(user.id)).limits;
  const spend = (user: TestUser, rows: { purpose?: UsagePurpose; tokens?: number; at?: Date }[]) =>
    data().getRepository(UsageRecord).save(
      rows.map(({ purpose = 'answer', tokens = 10, at = new Date() }) => ({
        user_id: user.id,
        purpose,
        provider: 'sim',
        model: 'sim-chat',
        prompt_tokens: tokens,
        completion_tokens: 0,
        estimated: false,
        latency_ms: 1,
        outcome: 'complete' as const,
        cost: '0.5',
        created_at: at,
      })),
    );
  const refusal = (user: TestUser, promptTokens = 0) => admission.check(user.id, promptTokens).then(() => null, (error: unknown) => error);

  it('leaves a user unlimited when no budget sets a limit', async () => {
    const user = await ctx.factories.user();
    await set({ scope: 'default' }, {});
    expect(Object.values(await limitsOf(user)).map((l) => [l.limit, l.remaining, l.source])).toEqual([
      [null, null, null],
      [null, null, null],
      [null, null, null],
    ]);
    const limits = await admission.check(user.id, 1_000_000);
    expect(Object.values(limits).map((l) => l.limit)).toEqual([null, null, null]);
    // Nothing to hold the insert to: the send's transaction pays no query for budgets.
    expect(admission.guard(user.id, 1_000_000, limits)).toBeUndefined();
  });

  it("takes the most generous of the user's own and their groups' limits, each limit on its own; the default only where none sets it", async () => {
    const user = await ctx.factories.user();
    const [small, large, notTheirs] = [await groupOf(user), await groupOf(user), await groupOf(await ctx.factories.user())];
    await set({ scope: 'default' }, { tokens_per_day: 5, tokens_per_month: 6, messages_per_day: 7 });
    await set({ scope: 'user', id: user.id }, { tokens_per_day: 100 });
    await set({ scope: 'group', id: small.id }, { tokens_per_day: 50, messages_per_day: 3 });
    await set({ scope: 'group', id: large.id }, { tokens_per_day: 500, messages_per_day: 2 });
    await set({ scope: 'group', id: notTheirs.id }, { tokens_per_day: 9_999, tokens_per_month: 9_999, messages_per_day: 9_999 });

    const limits = await limitsOf(user);
    expect(limits.tokens_per_day).toMatchObject({ limit: 500, source: 'group', source_id: large.id });
    expect(limits.messages_per_day).toMatchObject({ limit: 3, source: 'group', source_id: small.id });
    expect(limits.tokens_per_month).toMatchObject({ limit: 6, source: 'default', source_id: null });
    // Someone in no group, with no budget of their own: the default.
    expect((await limitsOf(await ctx.factories.user())).tokens_per_day).toMatchObject({ limit: 5, source: 'default' });
  });

  it("lets a user's own budget lift, never lower, a group's; a zero holds only where nothing more generous is set", async () => {
    const user = await ctx.factories.user();
    const team = await groupOf(user);
    await set({ scope: 'group', id: team.id }, { messages_per_day: 10 });
    await set({ scope: 'user', id: user.id }, { messages_per_day: 0, tokens_per_day: 0 });
    const limits = await limitsOf(user);
    expect(limits.messages_per_day).toMatchObject({ limit: 10, source: 'group', source_id: team.id });
    expect(limits.tokens_per_day).toMatchObject({ limit: 0, source: 'user', source_id: user.id });
    expect(await refusal(user, 1)).toMatchObject({ detail: expect.stringMatching(/^Daily token budget reached: 0 of 0 tokens used; resets at /) });
  });

  it('counts answers and streaming answers as messages, every call as tokens, in UTC windows', async () => {
    const user = await ctx.factories.user();
    await set({ scope: 'user', id: user.id }, { messages_per_day: 3, tokens_per_day: 1_000, tokens_per_month: 1_000_000 });
    const now = new Date();
    const yesterday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 1);
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 1);
    await spend(user, [
      { purpose: 'answer', tokens: 100 },
      { purpose: 'regenerate', tokens: 100 },
      { purpose: 'title', tokens: 50 },
      { purpose: 'answer', tokens: 7, at: yesterday },
      { purpose: 'answer', tokens: 1_000_000, at: lastMonth },
    ]);
    const chat = await ctx.factories.chat(user, await ctx.factories.agent(user));
    await ctx.factories.message(chat, { role: 'assistant', status: 'streaming', content: '', prompt_tokens: 40 });

    const report = await admission.report(user.id);
    const sameMonth = yesterday >= new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    expect(report.today).toMatchObject({ tokens: 290, messages: 3, cost: 1.5 });
    expect(report.this_month).toMatchObject({ tokens: sameMonth ? 297 : 290, messages: sameMonth ? 4 : 3 });
    expect(report.limits.messages_per_day).toMatchObject({ limit: 3, used: 3, remaining: 0 });
    expect(report.limits.tokens_per_day).toMatchObject({ limit: 1_000, used: 290, remaining: 710 });
    expect(report.today.resets_at).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString().replace('.000Z', 'Z'));
    expect(report.this_month.resets_at).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().replace('.000Z', 'Z'));

    const refused = await refusal(user);
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect(refused).toMatchObject({ detail: `Daily message budget reached: 3 of 3 messages used; resets at ${report.today.resets_at}` });
    const secondsToReset = (Date.parse(report.today.resets_at) - Date.now()) / 1000;
    expect((refused as TooManyRequestsError).retryAfterSeconds).toBeGreaterThan(secondsToReset - 60);
    expect((refused as TooManyRequestsError).retryAfterSeconds).toBeLessThanOrEqual(secondsToReset + 1);
  });

  it('refuses a prompt that would take the tokens past the limit, not one that fits', async () => {
    const user = await ctx.factories.user();
    await set({ scope: 'default' }, { tokens_per_day: 300 });
    await spend(user, [{ tokens: 250 }]);
    const limits = await admission.check(user.id, 50);
    expect(limits.tokens_per_day).toMatchObject({ limit: 300, source: { scope: 'default' } });
    expect(await refusal(user, 51)).toMatchObject({
      detail: expect.stringMatching(/^Daily token budget would be exceeded: 250 of 300 tokens used and this message needs about 51; resets at /),
    });
    // The binding check reuses the limits read a moment before and counts again what is used.
    const guard = admission.guard(user.id, 50, limits)!;
    await expect(data().transaction((manager) => guard(manager))).resolves.toBeUndefined();
    await spend(user, [{ tokens: 1 }]);
    await expect(data().transaction((manager) => guard(manager))).rejects.toThrow(/Daily token budget would be exceeded: 251 of 300/);
  });

  it('sets and removes budgets: 404 for a missing user, group or budget; each change audited with its limits', async () => {
    const user = await ctx.factories.user();
    const saved = await set({ scope: 'user', id: user.id }, { messages_per_day: 10 });
    expect(saved).toMatchObject({ scope: 'user', user_id: user.id, group_id: null, messages_per_day: 10, tokens_per_day: null });
    // A second set replaces the limits of the same budget.
    expect(await set({ scope: 'user', id: user.id }, { tokens_per_day: 5 })).toMatchObject({ id: saved.id, messages_per_day: null, tokens_per_day: 5 });
    await expect(set({ scope: 'user', id: 999_999 }, {})).rejects.toThrow(NotFoundError);
    await expect(set({ scope: 'group', id: 999_999 }, {})).rejects.toThrow('Group not found');
    await budgets.remove(admin, { scope: 'user', id: user.id });
    await expect(budgets.remove(admin, { scope: 'user', id: user.id })).rejects.toThrow('Budget not found');
    await expect(budgets.remove(admin, { scope: 'default' })).rejects.toThrow(NotFoundError);

    const events = await data().getRepository(AuditEvent).find({ where: { target_id: String(user.id) }, order: { id: 'ASC' } });
    expect(events.map((e) => [e.action, e.actor_id, e.target_type, e.target_label, e.details])).toEqual([
      ['budget.set', admin.id, 'user', user.email, { scope: 'user', tokens_per_day: null, tokens_per_month: null, messages_per_day: 10 }],
      ['budget.set', admin.id, 'user', user.email, { scope: 'user', tokens_per_day: 5, tokens_per_month: null, messages_per_day: null }],
      ['budget.delete', admin.id, 'user', user.email, { scope: 'user', tokens_per_day: 5, tokens_per_month: null, messages_per_day: null }],
    ]);
  });

  it('lists budgets newest first, a page at a time', async () => {
    const users = [await ctx.factories.user(), await ctx.factories.user(), await ctx.factories.user()];
    for (const user of users) await set({ scope: 'user', id: user.id }, { messages_per_day: 1 });
    const first = await budgets.list({ limit: 2 });
    expect(first.items.map((b) => b.user_id)).toEqual([users[2].id, users[1].id]);
    const second = await budgets.list({ limit: 2, before: first.next_before! });
    expect(second).toMatchObject({ items: [{ user_id: users[0].id }], next_before: null });
  });
});
