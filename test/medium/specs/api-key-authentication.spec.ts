import { DataSource } from 'typeorm';
import { ApiKeyAuthenticator, ApiKeysModule, ApiKeySettings, ApiKeysService, keyMayChat, keyMayUseAgent } from '#api-keys';
import { ForbiddenError, UnauthorizedError } from '#common';
import { ApiKey, User } from '#database';
import { createMediumContext, MediumContext } from '../medium-context';
import type { TestUser } from '../factories';

describe('API key authentication (ApiKeyAuthenticator)', () => {
  let ctx: MediumContext;
  let keys: ApiKeysService;
  let authenticator: ApiKeyAuthenticator;
  let admin: TestUser;
  let user: TestUser;

  beforeAll(async () => {
    ctx = await createMediumContext({ imports: [ApiKeysModule] });
    keys = ctx.get(ApiKeysService);
    authenticator = ctx.get(ApiKeyAuthenticator);
    admin = await ctx.factories.admin();
    user = await ctx.factories.user();
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => ctx?.close());

  // An accepted key yields an error that no assertion on a refusal matches.
  const refusal = (token: string): Promise<Error> =>
    authenticator.authenticate(token).then(
      () => new Error('accepted'),
      (error: unknown) => error as Error,
    );
  const stored = (id: number) => ctx.get(DataSource).getRepository(ApiKey).findOneByOrFail({ id });

  it("accepts a live key as its user, with the key's scope, and records its use", async () => {
    const agent = await ctx.factories.agent(user);
    const { id, token } = await keys.create(user, { name: 'scoped', agent_ids: [agent.id], access: 'read' });
    const principal = await authenticator.authenticate(token);
    expect(principal).toEqual({
      user: { id: user.id, email: user.email, trigramme: user.trigramme, is_admin: false },
      key: { id, name: 'scoped', agent_ids: [agent.id], access: 'read' },
    });
    expect(keyMayUseAgent(principal, agent.id)).toBe(true);
    expect(keyMayUseAgent(principal, agent.id + 1)).toBe(false);
    expect(keyMayChat(principal)).toBe(false);
    expect((await stored(id)).last_used_at).not.toBeNull();

    const open = await authenticator.authenticate((await keys.create(user, { name: 'open' })).token);
    expect(keyMayUseAgent(open, 123)).toBe(true);
    expect(keyMayChat(open)).toBe(true);
  });

  it('refuses a revoked key at once, though it was cached', async () => {
    const { id, token } = await keys.create(user, { name: 'revoked' });
    await authenticator.authenticate(token);
    await keys.revokeMine(user, id);
    const error = await refusal(token);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toBe('Invalid or revoked API key');
  });

  it('refuses a key once it expires, checked against the cached expiry', async () => {
    const { token } = await keys.create(user, { name: 'expiring', expires_at: new Date(Date.now() + 10_000).toISOString() });
    await authenticator.authenticate(token); // cached for a minute
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 20_000);
    const error = await refusal(token);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toBe('This API key expired');
    expect(error.message).not.toContain(token);
  });

  it("refuses the key of an inactive user, and an unknown key, alike", async () => {
    const inactive = await ctx.factories.user();
    const { token } = await keys.create(inactive, { name: 'inactive' });
    await ctx.get(DataSource).getRepository(User).update(inactive.id, { is_active: false });
    expect((await refusal(token)).message).toBe('Invalid or revoked API key');
    expect((await refusal(`fgk_${'x'.repeat(43)}`)).message).toBe('Invalid or revoked API key');
    expect(await refusal('not-a-key')).toBeInstanceOf(UnauthorizedError);
  });

  it('refuses every key (403) while an admin has turned keys off, and makes none', async () => {
    const { token } = await keys.create(user, { name: 'switch' });
    await authenticator.authenticate(token);
    await ctx.get(ApiKeySettings).setEnabled(admin, false);
    const error = await refusal(token);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toBe('API keys are disabled by an administrator');
    await expect(keys.create(user, { name: 'while off' })).rejects.toThrow(ForbiddenError);
    await ctx.get(ApiKeySettings).setEnabled(admin, true);
    await expect(authenticator.authenticate(token)).resolves.toMatchObject({ user: { id: user.id } });
  });
});
