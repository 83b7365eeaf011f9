import { DataSource } from 'typeorm';
import { ConflictError, ForbiddenError } from '#common';
import type { OidcConfig } from '#config';
import { AuditEvent, Group, GroupMember, User, UserIdentity } from '#database';
import { OidcAccounts, OidcModule, trigrammeCandidates } from '#oidc';
import type { IdTokenClaims } from '#oidc';
import { ProfileService } from '#users';
import { createMediumContext, MediumContext } from '../medium-context';

const ISSUER = 'https://idp.example.org';

const BASE: OidcConfig = {
  issuer: ISSUER,
  clientId: 'foyergpt',
  scopes: ['openid', 'email', 'profile'],
  redirectUrl: 'https://chat.example.org/api/auth/oidc/callback',
  postLoginUrl: '/',
  displayName: 'Acme SSO',
  autoCreate: true,
  linkVerifiedEmail: false,
  allowedDomains: [],
  groupsClaim: 'groups',
  adminGroups: [],
  syncGroups: false,
};

let subjects = 0;

/** A verified ID token's claims for a new person at the provider; `overrides` wins. */
function person(overrides: Partial<IdTokenClaims> = {}): IdTokenClaims {
  subjects += 1;
  return { iss: ISSUER, sub: `sub-${subjects}`, email: `person${subjects}@example.org`, email_verified: true, given_name: 'Ada', family_name: 'Lovelace', ...overrides };
}

describe('Single sign-on accounts (OidcAccounts): linking, creation, trigrammes, roles and groups', () => {
  let ctx: MediumContext;
  let accounts: OidcAccounts;
  const db = () => ctx.get(DataSource);
  const configure = (overrides: Partial<OidcConfig> = {}) => {
    ctx.config.auth.oidc = { ...BASE, ...overrides };
  };
  const usersWithEmail = (email: string) => db().getRepository(User).countBy({ email });
  const actions = async (userId: number) =>
    (await db().getRepository(AuditEvent).find({ where: { target_type: 'user', target_id: String(userId) }, order: { id: 'ASC' } })).map((event) => event.action);
  const groupNamesOf = async (userId: number) =>
    (await db().getRepository(GroupMember).find({ where: { user_id: userId }, relations: { group: true } })).map((m) => m.group!.name).sort();

  beforeAll(async () => {
    ctx = await createMediumContext({ imports: [OidcModule] });
    accounts = ctx.get(OidcAccounts);
    // A first user, so that accounts created here are not the very first (who becomes admin).
    await ctx.factories.admin();
  });
  beforeEach(() => configure());
  afterAll(() => ctx?.close());

  describe('matching and linking', () => {
    it('creates a password-less account at the first sign-in and finds it by iss+sub afterwards, whatever its email then', async () => {
      const claims = person();
      const created = await accounts.resolve(claims);
      expect(created.user).toMatchObject({ email: claims.email, hashed_password: null, is_admin: false, trigramme_derived: true });
      expect(created.identity).toMatchObject({ issuer: ISSUER, subject: claims.sub, user_id: created.user.id });
      expect(await actions(created.user.id)).toEqual(['user.create']);
      const again = await accounts.resolve({ ...claims, email: 'renamed@example.org' });
      expect(again.user.id).toBe(created.user.id);
      expect(await db().getRepository(UserIdentity).countBy({ user_id: created.user.id })).toBe(1);
    });

    it('gives two first sign-ins of one person at once (two tabs) the same account', async () => {
      const claims = person();
      const [one, two] = await Promise.all([accounts.resolve(claims), accounts.resolve(claims)]);
      expect(two.user.id).toBe(one.user.id);
      expect(await db().getRepository(UserIdentity).countBy({ subject: claims.sub })).toBe(1);
    });

    it('does not match another issuer with the same subject', async () => {
      const claims = person();
      const first = await accounts.resolve(claims);
      const other = await accounts.resolve({ ...claims, iss: 'https://other-idp.example.org', email: 'other@example.org' });
      expect(other.user.id).not.toBe(first.user.id);
    });

    it('links a verified email to the existing account only when OIDC_LINK_VERIFIED_EMAIL allows it (audited)', async () => {
      const existing = await ctx.factories.user();
      const claims = person({ email: existing.email.toUpperCase() });
      await expect(accounts.resolve(claims)).rejects.toThrow(new ForbiddenError('An account with your email already exists here and is not linked to your sign-on: ask an admin'));
      configure({ linkVerifiedEmail: true });
      const linked = await accounts.resolve(claims);
      expect(linked.user.id).toBe(existing.id);
      expect(linked.user.hashed_password).not.toBeNull();
      expect(await actions(existing.id)).toEqual(['auth.login', 'user.oidc_link']);
      expect(await usersWithEmail(existing.email)).toBe(1);
    });

    it.each([
      ['false', false],
      ['absent', undefined],
      ['the string "true"', 'true'],
    ])('never links an email the provider does not assert verified (%s), nor creates a second account', async (_, verified) => {
      configure({ linkVerifiedEmail: true });
      const existing = await ctx.factories.user();
      await expect(accounts.resolve(person({ email: existing.email, email_verified: verified }))).rejects.toThrow(/has not verified that this email is yours/);
      expect(await usersWithEmail(existing.email)).toBe(1);
      expect(await db().getRepository(UserIdentity).countBy({ user_id: existing.id })).toBe(0);
    });

    it('refuses a deactivated account, linked or linkable', async () => {
      const claims = person();
      const { user } = await accounts.resolve(claims);
      await db().getRepository(User).update(user.id, { is_active: false });
      await expect(accounts.resolve(claims)).rejects.toThrow(new ForbiddenError('This account is deactivated'));
      configure({ linkVerifiedEmail: true });
      const inactive = await ctx.factories.user({ is_active: false });
      await expect(accounts.resolve(person({ email: inactive.email }))).rejects.toThrow(new ForbiddenError('This account is deactivated'));
      expect(await db().getRepository(UserIdentity).countBy({ user_id: inactive.id })).toBe(0);
    });

    it('creates nothing when OIDC_AUTO_CREATE is off, but still signs in linked accounts', async () => {
      const known = person();
      await accounts.resolve(known);
      configure({ autoCreate: false });
      const stranger = person();
      await expect(accounts.resolve(stranger)).rejects.toThrow(/accounts are not created at sign-in/);
      expect(await usersWithEmail(stranger.email as string)).toBe(0);
      await expect(accounts.resolve(known)).resolves.toMatchObject({ user: { email: known.email } });
    });

    it('lets only OIDC_ALLOWED_DOMAINS in (any case), linked accounts included, and refuses a token without an email', async () => {
      configure({ allowedDomains: ['example.org'] });
      await expect(accounts.resolve(person({ email: 'Someone@EXAMPLE.org' }))).resolves.toMatchObject({ user: { email: 'someone@example.org' } });
      const outsider = person({ email: 'eve@example.org.evil.net' });
      await expect(accounts.resolve(outsider)).rejects.toThrow(/domain is not allowed/);
      expect(await usersWithEmail('eve@example.org.evil.net')).toBe(0);
      await expect(accounts.resolve(person({ email: 'x@sub.example.org' }))).rejects.toThrow(/domain is not allowed/);
      configure();
      const moved = person();
      await accounts.resolve(moved);
      configure({ allowedDomains: ['acme.org'] });
      await expect(accounts.resolve(moved)).rejects.toThrow(/domain is not allowed/);
      configure();
      await expect(accounts.resolve(person({ email: undefined }))).rejects.toThrow(/gave no email/);
    });
  });

  describe('trigrammes', () => {
    it('derives distinct trigrammes for namesakes, the first from the initial and the family name', async () => {
      const names = { given_name: 'Grace', family_name: 'Hopper' };
      const made = [];
      for (let i = 0; i < 5; i++) made.push((await accounts.resolve(person(names))).user.trigramme);
      expect(made[0]).toBe('GHO');
      expect(new Set(made).size).toBe(5);
      for (const trigramme of made) expect(trigramme).toMatch(/^[A-Z]{3}$/);
    });

    it('takes the directory claim when it is three free letters (not derived), else derives one', async () => {
      configure({ trigrammeClaim: 'initials' });
      const claimed = await accounts.resolve(person({ initials: 'kgo', given_name: 'Kurt', family_name: 'Godel' }));
      expect(claimed.user).toMatchObject({ trigramme: 'KGO', trigramme_derived: false });
      const taken = await accounts.resolve(person({ initials: 'KGO', given_name: 'Kurt', family_name: 'Godel' }));
      expect(taken.user.trigramme).not.toBe('KGO');
      expect(taken.user.trigramme_derived).toBe(true);
      const unusable = await accounts.resolve(person({ initials: 'K1', given_name: 'Emmy', family_name: 'Noether' }));
      expect(unusable.user).toMatchObject({ trigramme: 'ENO', trigramme_derived: true });
    });

    it('lets its owner change a derived trigramme once, never one from the directory; password accounts are free', async () => {
      const profile = ctx.get(ProfileService);
      const { user } = await accounts.resolve(person({ given_name: 'Alan', family_name: 'Turing' }));
      const me = { ...user, session_id: 'medium', session_expires_at: 0 };
      await expect(profile.updateMe(me, { trigramme: 'AMT' })).resolves.toMatchObject({ trigramme: 'AMT' });
      expect(await db().getRepository(User).findOneByOrFail({ id: user.id })).toMatchObject({ trigramme: 'AMT', trigramme_derived: false });
      await expect(profile.updateMe(me, { trigramme: 'TUR' })).rejects.toThrow(ConflictError);
      await expect(profile.updateMe(me, { trigramme: 'AMT' })).resolves.toMatchObject({ trigramme: 'AMT' });

      configure({ trigrammeClaim: 'initials' });
      const fromDirectory = (await accounts.resolve(person({ initials: 'JVN' }))).user;
      await expect(profile.updateMe({ ...fromDirectory, session_id: 'medium', session_expires_at: 0 }, { trigramme: 'VON' })).rejects.toThrow(/organisation's directory/);

      const local = await ctx.factories.user();
      await profile.updateMe(local, { trigramme: 'LOC' });
      await expect(profile.updateMe(local, { trigramme: 'LCL' })).resolves.toMatchObject({ trigramme: 'LCL' });
    });

    it('offers three-letter candidates, distinct, from the names without accents, the email as a last resort', () => {
      const candidates = trigrammeCandidates({ given_name: 'Éloïse', family_name: "d'Ormesson" });
      expect(candidates[0]).toBe('EOR');
      expect(new Set(candidates).size).toBe(candidates.length);
      expect(candidates.every((candidate) => /^[A-Z]{3}$/.test(candidate))).toBe(true);
      expect(candidates.length).toBeGreaterThanOrEqual(676);
      expect(trigrammeCandidates({ name: 'Jean-Marc Tour' })[0]).toBe('JTO');
      expect(trigrammeCandidates({ email: 'zed.shaw@example.org' })[0]).toBe('ZSH');
      expect(trigrammeCandidates({ name: '王小明' })[0]).toMatch(/^[A-Z]{3}$/);
    });
  });

  describe('roles and groups from the groups claim', () => {
    beforeEach(() => db().createQueryBuilder().delete().from(Group).execute());

    it('makes members of OIDC_ADMIN_GROUPS admins and the others not, at each sign-in', async () => {
      configure({ adminGroups: ['foyer-admins'] });
      const claims = person({ groups: ['staff', 'foyer-admins'] });
      const { user } = await accounts.resolve(claims);
      expect(user.is_admin).toBe(true);
      const demoted = await accounts.resolve({ ...claims, groups: ['staff'] });
      expect(demoted.user.is_admin).toBe(false);
      expect(await db().getRepository(User).findOneByOrFail({ id: user.id })).toMatchObject({ is_admin: false });
      expect((await actions(user.id)).filter((action) => action === 'user.role_change')).toHaveLength(2);
      configure();
      // Without OIDC_ADMIN_GROUPS, roles are ours: the claim changes nothing.
      await expect(accounts.resolve({ ...claims, groups: ['foyer-admins'] })).resolves.toMatchObject({ user: { is_admin: false } });
    });

    it('never demotes the last active admin', async () => {
      await db().getRepository(User).update({ is_admin: true }, { is_admin: false });
      configure({ adminGroups: ['foyer-admins'] });
      const claims = person({ groups: ['foyer-admins'] });
      const { user } = await accounts.resolve(claims);
      expect(user.is_admin).toBe(true);
      const kept = await accounts.resolve({ ...claims, groups: [] });
      expect(kept.user.is_admin).toBe(true);
      expect(await db().getRepository(User).countBy({ is_admin: true, is_active: true })).toBe(1);
      // With another admin, the claim wins again.
      await ctx.factories.admin();
      await expect(accounts.resolve({ ...claims, groups: [] })).resolves.toMatchObject({ user: { is_admin: false } });
    });

    it('with OIDC_SYNC_GROUPS, joins the claimed groups (matched in any case, else created as provider-managed) and leaves only provider-managed ones', async () => {
      const local = await db().getRepository(Group).save({ name: 'Research', description: 'Run by our admins' });
      const kept = await db().getRepository(Group).save({ name: 'Local club' });
      configure({ syncGroups: true });
      const claims = person({ groups: ['research', 'Finance', 'finance', '', 42] as unknown as string[] });
      const { user } = await accounts.resolve(claims);
      await db().getRepository(GroupMember).save({ group_id: kept.id, user_id: user.id });
      expect(await groupNamesOf(user.id)).toEqual(['Finance', 'Local club', 'Research']);
      const finance = await db().getRepository(Group).findOneByOrFail({ name: 'Finance' });
      expect(finance.oidc_managed).toBe(true);
      expect(await db().getRepository(Group).findOneByOrFail({ id: local.id })).toMatchObject({ name: 'Research', oidc_managed: false });

      await accounts.resolve({ ...claims, groups: ['Legal'] });
      // Left Finance (provider-managed); kept Research and Local club (ours), joined Legal.
      expect(await groupNamesOf(user.id)).toEqual(['Legal', 'Local club', 'Research']);
      const recorded = await db().getRepository(AuditEvent).find({ where: { action: 'group.member_remove', target_id: String(finance.id) } });
      expect(recorded).toHaveLength(1);
    });

    it('without OIDC_SYNC_GROUPS, leaves memberships alone', async () => {
      const { user } = await accounts.resolve(person({ groups: ['Anything'] }));
      expect(await groupNamesOf(user.id)).toEqual([]);
      expect(await db().getRepository(Group).countBy({ name: 'Anything' })).toBe(0);
    });
  });
});
