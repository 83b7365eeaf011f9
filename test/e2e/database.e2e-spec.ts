import { DataSource } from 'typeorm';
import { User } from '#database';
import { startApp, testEnvironment, TestEnvironment } from '../support/test-app';

describe('Database: migrations and persistence', () => {
  let environment: TestEnvironment;

  beforeAll(async () => {
    environment = await testEnvironment();
  });
  afterAll(() => environment.dispose());

  it('migrates a fresh database so that the schema matches the entities exactly', async () => {
    const started = await startApp(environment.env);
    try {
      const dataSource = started.app.get(DataSource);
      expect(await dataSource.showMigrations()).toBe(false);
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);

      // Every migration can be reverted and applied again.
      for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration();
      const tables = await dataSource.query(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'users'`,
      );
      expect(tables[0].n).toBe(0);
      await dataSource.runMigrations();
      expect((await dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
    } finally {
      await started.stop();
    }
  });

  it('keeps written data across a restart', async () => {
    const first = await startApp(environment.env);
    const users = first.app.get(DataSource).getRepository(User);
    const saved = await users.save(
      users.create({ email: 'persist@example.com', trigramme: 'PER', hashed_password: 'x' }),
    );
    expect(saved.created_at).toBeInstanceOf(Date);
    await first.stop();

    const second = await startApp(environment.env);
    try {
      const found = await second.app.get(DataSource).getRepository(User).findOneBy({ id: saved.id });
      expect(found).toMatchObject({ email: 'persist@example.com', trigramme: 'PER', is_active: true, is_admin: false });
    } finally {
      await second.stop();
    }
  });

  it('maintains updated_at and enforces unique emails', async () => {
    const started = await startApp(environment.env);
    try {
      const users = started.app.get(DataSource).getRepository(User);
      const user = await users.save(users.create({ email: 'uniq@example.com', trigramme: 'UNQ', hashed_password: 'x' }));
      await new Promise((resolve) => setTimeout(resolve, 20));
      await users.update(user.id, { is_admin: true });
      const updated = await users.findOneByOrFail({ id: user.id });
      expect(updated.updated_at.getTime()).toBeGreaterThan(user.updated_at.getTime());
      await expect(
        users.insert({ email: 'uniq@example.com', trigramme: 'OTH', hashed_password: 'x' }),
      ).rejects.toThrow(/unique|duplicate/i);
    } finally {
      await started.stop();
    }
  });
});
