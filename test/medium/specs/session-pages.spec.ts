import { DataSource } from 'typeorm';
import { Session } from '#database';
import { SessionsModule, SessionsService } from '#sessions';
import { createMediumContext, MediumContext } from '../medium-context';

describe('Pages of my sessions (SessionsService), by creation time in microseconds', () => {
  let ctx: MediumContext;
  let sessions: SessionsService;

  beforeAll(async () => {
    ctx = await createMediumContext({ imports: [SessionsModule] });
    sessions = ctx.get(SessionsService);
  });
  afterAll(() => ctx?.close());

  const ids = (page: { items: Session[] }) => page.items.map((session) => session.id);

  async function loggedIn(userId: number, createdAt: string[]): Promise<string[]> {
    const created = [];
    for (const at of createdAt) {
      const session = await sessions.create(userId, 'jest', '127.0.0.1');
      await ctx.get(DataSource).query('UPDATE sessions SET created_at = $1 WHERE id = $2', [at, session.id]);
      created.push(session.id);
    }
    return created;
  }

  it('lists the newest login first, page by page, each session once, exact to the microsecond', async () => {
    const user = await ctx.factories.user();
    const [a, b, c] = await loggedIn(user.id, ['2026-01-01T00:00:00.000001Z', '2026-01-01T00:00:00.000002Z', '2026-01-01T00:00:00.000003Z']);
    const first = await sessions.list(user.id, { limit: 2 });
    expect(ids(first)).toEqual([c, b]);
    expect(first.next_before).toBe(Date.UTC(2026, 0, 1) * 1000 + 2);
    const rest = await sessions.list(user.id, { limit: 2, before: first.next_before! });
    expect(rest).toEqual({ items: [expect.objectContaining({ id: a })], next_before: null });
  });

  it('never ends a page inside sessions created in the same microsecond', async () => {
    const user = await ctx.factories.user();
    const [older, ...same] = await loggedIn(user.id, ['2026-02-01T00:00:00.000001Z', '2026-02-01T00:00:00.000002Z', '2026-02-01T00:00:00.000002Z']);
    const newest = (await loggedIn(user.id, ['2026-02-01T00:00:00.000003Z']))[0];
    const first = await sessions.list(user.id, { limit: 2 });
    expect(ids(first)).toEqual([newest]);
    const second = await sessions.list(user.id, { limit: 2, before: first.next_before! });
    expect(ids(second).sort()).toEqual([...same].sort());
    const last = await sessions.list(user.id, { limit: 2, before: second.next_before! });
    expect(last).toEqual({ items: [expect.objectContaining({ id: older })], next_before: null });
  });

  it('leaves out revoked and expired sessions', async () => {
    const user = await ctx.factories.user();
    const [revoked, expired, live] = await loggedIn(user.id, ['2026-03-01T00:00:00Z', '2026-03-01T00:00:01Z', '2026-03-01T00:00:02Z']);
    await sessions.revokeOwn(user.id, revoked);
    await ctx.get(DataSource).query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired]);
    expect(ids(await sessions.list(user.id, { limit: 10 }))).toEqual([live]);
  });
});
