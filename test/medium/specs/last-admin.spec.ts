import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError } from '#common';
import type { AuthUser } from '#auth';
import { User } from '#database';
import { AdminService, UserAdminModule } from '#users';
import { createMediumContext, MediumContext } from '../medium-context';

describe('The last active admin (AdminService)', () => {
  let ctx: MediumContext;
  let admin: AdminService;

  beforeAll(async () => {
    ctx = await createMediumContext({ imports: [UserAdminModule] });
    admin = ctx.get(AdminService);
  });
  // The rule counts every admin in the table: each test starts from no users.
  beforeEach(() => ctx.get(DataSource).createQueryBuilder().delete().from(User).execute());
  afterAll(() => ctx?.close());

  // Who acts, for the audit log; these rules do not depend on it.
  const actor: AuthUser = { id: 0, email: 'operator@example.org', trigramme: 'OPE', is_admin: true, session_id: 'medium', session_expires_at: 0 };
  const stored = (id: number) => ctx.get(DataSource).getRepository(User).findOneBy({ id });
  const activeAdmins = () => ctx.get(DataSource).getRepository(User).countBy({ is_admin: true, is_active: true });

  it('cannot be demoted, deactivated or deleted, and stays as it was', async () => {
    const only = await ctx.factories.admin();
    await ctx.factories.user();
    await expect(admin.updateUser(actor, only.id, { is_admin: false })).rejects.toThrow(ConflictError);
    await expect(admin.updateUser(actor, only.id, { is_active: false })).rejects.toThrow(/last active admin/);
    await expect(admin.updateUser(actor, only.id, { is_admin: false, is_active: true })).rejects.toThrow(ConflictError);
    await expect(admin.deleteUser(actor, only.id)).rejects.toThrow(ConflictError);
    expect(await stored(only.id)).toMatchObject({ is_admin: true, is_active: true });
  });

  it('may still change in ways that keep it an active admin', async () => {
    const only = await ctx.factories.admin();
    await expect(admin.updateUser(actor, only.id, { is_admin: true, is_active: true })).resolves.toMatchObject({ is_admin: true });
  });

  it('does not count inactive admins: the only active one stays protected, the inactive ones may go', async () => {
    const active = await ctx.factories.admin();
    const inactive = await ctx.factories.admin({ is_active: false });
    await expect(admin.updateUser(actor, active.id, { is_admin: false })).rejects.toThrow(ConflictError);
    await expect(admin.updateUser(actor, inactive.id, { is_admin: false })).resolves.toMatchObject({ is_admin: false });
    await admin.deleteUser(actor, inactive.id);
    expect(await stored(inactive.id)).toBeNull();
  });

  it('lets one of two active admins go, after which the other is the last', async () => {
    const first = await ctx.factories.admin();
    const second = await ctx.factories.admin();
    await expect(admin.updateUser(actor, second.id, { is_active: false })).resolves.toMatchObject({ is_active: false });
    await expect(admin.updateUser(actor, first.id, { is_admin: false })).rejects.toThrow(ConflictError);
    await admin.updateUser(actor, second.id, { is_active: true });
    await admin.deleteUser(actor, first.id);
    await expect(admin.deleteUser(actor, second.id)).rejects.toThrow(ConflictError);
    expect(await activeAdmins()).toBe(1);
  });

  it('lets non-admins be deactivated and deleted whatever the number of admins', async () => {
    await ctx.factories.admin();
    const user = await ctx.factories.user();
    await expect(admin.updateUser(actor, user.id, { is_active: false })).resolves.toMatchObject({ is_active: false });
    await admin.deleteUser(actor, user.id);
    expect(await stored(user.id)).toBeNull();
  });

  it('keeps one when two admins delete each other at the same time', async () => {
    const [a, b] = [await ctx.factories.admin(), await ctx.factories.admin()];
    const results = await Promise.allSettled([admin.deleteUser(actor, a.id), admin.deleteUser(actor, b.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(ConflictError);
    expect(await activeAdmins()).toBe(1);
  });

  it('answers not found for an unknown user', async () => {
    await expect(admin.updateUser(actor, 999_999, { is_admin: false })).rejects.toThrow(NotFoundError);
    await expect(admin.deleteUser(actor, 999_999)).rejects.toThrow(NotFoundError);
  });
});
