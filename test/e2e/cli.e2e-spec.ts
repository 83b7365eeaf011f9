import { createAdmin } from '../../apps/cli/src/create-admin';
import { ValidationError } from '#common';
import { startApp, testConfig, testEnvironment, TestEnvironment } from '../support/test-app';

describe('CLI: create-admin', () => {
  let environment: TestEnvironment;

  beforeAll(async () => {
    environment = await testEnvironment();
  });
  afterAll(() => environment.dispose());

  it('creates an admin who can log in, validates input, and promotes an existing user', async () => {
    const config = testConfig(environment.env);
    const input = { email: 'Ops@Example.org', trigramme: 'ops', password: 'operator password' };
    expect(await createAdmin(config, input)).toBe('Created admin ops@example.org (OPS)');
    await expect(createAdmin(config, { ...input, trigramme: 'o1' })).rejects.toBeInstanceOf(ValidationError);

    const app = await startApp(environment.env);
    try {
      const login = await app.http().post('/api/auth/login').send({ email: 'ops@example.org', password: 'operator password' }).expect(200);
      expect(login.body.user.is_admin).toBe(true);
      await app.http().post('/api/auth/register').send({ email: 'later@example.org', trigramme: 'LAT', password: 'password123' }).expect(201);
    } finally {
      await app.stop();
    }
    // One embedded database instance at a time: the app stops before the CLI opens it again.
    expect(await createAdmin(config, { email: 'later@example.org', trigramme: 'LAT', password: 'password123' })).toBe(
      'later@example.org is now an active admin',
    );
  });
});
