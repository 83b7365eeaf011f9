import { DataSource } from 'typeorm';
import type { QueryRunner } from 'typeorm';
import { ConversationTreeRepository } from '#database';
import { pageMessages } from '#messages';
import { createMediumContext, MediumContext } from '../medium-context';

/**
 * Chats written before the message tree: questions had no parent, a
 * regenerated answer was a second answer to its question, inserted whenever
 * the user asked for it. The migration makes their order the active path.
 */
describe('Conversation tree: chats from before the tree', () => {
  let ctx: MediumContext;
  let db: DataSource;

  beforeAll(async () => {
    ctx = await createMediumContext({ imports: [] });
    db = ctx.get(DataSource);
  });
  afterAll(() => ctx?.close());

  /** Runs the migration again over rows written as the old code wrote them (its down() restores the old schema). */
  async function migrateLegacy(write: (query: QueryRunner['query']) => Promise<void>): Promise<void> {
    // The app's own instance of the migration: the one its DataSource runs.
    const migration = db.migrations.find((candidate) => candidate.name === 'Conversations1795620000011')!;
    const runner = db.createQueryRunner();
    try {
      await migration.down(runner);
      // On the runner's connection: embedded PGlite has one.
      await write((sql, parameters) => runner.query(sql, parameters));
      await migration.up(runner);
    } finally {
      await runner.release();
    }
  }

  it('lists each old chat in its order, without the answers a regenerate replaced, and continues it from there', async () => {
    const user = await ctx.factories.user();
    const agent = await ctx.factories.agent(user);
    const [chat, regeneratedLast, empty] = await Promise.all([1, 2, 3].map(() => ctx.factories.chat(user, agent)));
    const ids: Record<string, number> = {};
    let query!: QueryRunner['query'];
    const legacy = async (chatId: number, name: string, role: 'user' | 'assistant', parent?: string) => {
      const [row] = await query(
        `INSERT INTO messages (chat_id, role, content, status, parent_id) VALUES ($1, $2, $3, 'complete', $4) RETURNING id`,
        [chatId, role, name, parent ? ids[parent] : null],
      );
      ids[name] = row.id;
    };

    await migrateLegacy(async (runnerQuery) => {
      query = runnerQuery;
      // q1 a1 q2 a2, then a1 regenerated late (after q2): the user kept reading a2's branch.
      await legacy(chat.id, 'q1', 'user');
      await legacy(chat.id, 'a1', 'assistant', 'q1');
      await legacy(chat.id, 'q2', 'user');
      await legacy(chat.id, 'a2', 'assistant', 'q2');
      await legacy(chat.id, 'a1 again', 'assistant', 'q1');
      // r1 s1, then s1 regenerated: the new answer replaces it.
      await legacy(regeneratedLast.id, 'r1', 'user');
      await legacy(regeneratedLast.id, 's1', 'assistant', 'r1');
      await legacy(regeneratedLast.id, 'r2', 'user');
      await legacy(regeneratedLast.id, 's2', 'assistant', 'r2');
      await legacy(regeneratedLast.id, 's2 again', 'assistant', 'r2');
    });

    const tree = ctx.get(ConversationTreeRepository);
    const listed = async (chatId: number) => {
      const [row] = await db.query('SELECT id, active_leaf_id FROM chats WHERE id = $1', [chatId]);
      return (await pageMessages(tree, row, 50)).items;
    };
    const first = await listed(chat.id);
    expect(first.map((m) => m.content)).toEqual(['q1', 'a1', 'q2', 'a2']);
    // The late regenerate is a sibling of a1, off the path: "1 of 2".
    expect(first[1]).toMatchObject({ sibling_index: 1, sibling_count: 2, sibling_ids: [ids.a1, ids['a1 again']] });
    const second = await listed(regeneratedLast.id);
    expect(second.map((m) => m.content)).toEqual(['r1', 's1', 'r2', 's2 again']);
    expect(second[3]).toMatchObject({ sibling_index: 2, sibling_count: 2 });
    expect(await listed(empty.id)).toEqual([]);

    // The prompt of the next message is that path.
    const [{ active_leaf_id }] = await db.query('SELECT active_leaf_id FROM chats WHERE id = $1', [chat.id]);
    expect((await tree.promptPath(active_leaf_id, 400)).map((m) => m.content)).toEqual(['q1', 'a1', 'q2', 'a2']);
  });
});
