import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKeysService } from '#api-keys';
import { AuditLog } from '#audit';
import type { AuditEntry } from '#audit';
import { ForbiddenError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig, OidcConfig } from '#config';
import { UserIdentitiesRepository, UsersRepository } from '#database';
import type { User, UserIdentity } from '#database';
import { ProviderGroups } from '#groups';
import { UsersService } from '#users';
import type { IdTokenClaims } from './oidc-client';
import { trigrammeCandidates } from './trigramme-candidates';

// How long a first sign-in that lost a race waits for the winner's identity: 20 × 50 ms.
const WINNER_LOOKUPS = 20;
const WINNER_LOOKUP_INTERVAL_MS = 50;

/** Who signed in: our user and the identity that matched them. */
export interface ResolvedAccount {
  user: User;
  identity: UserIdentity;
}

const TRIGRAMME = /^[A-Za-z]{3}$/;

function userTarget(user: User): AuditEntry['target'] {
  return { type: 'user', id: user.id, label: user.email };
}

/** A claim that is a list of strings, or nothing (a single string counts as a list of one). */
function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * The account a verified ID token signs in, by the rules of README "Single sign-on": matched only by
 * the provider's `iss` + `sub`; a first sign-in links to the account of the same email only when the
 * provider asserts `email_verified: true` and OIDC_LINK_VERIFIED_EMAIL allows it (audited), is refused
 * when that email is another account's otherwise, and creates an account when OIDC_AUTO_CREATE allows.
 * Then the admin role and group memberships follow the provider's groups claim when so configured.
 */
@Injectable()
export class OidcAccounts {
  private readonly logger = new Logger(OidcAccounts.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly identities: UserIdentitiesRepository,
    private readonly usersRepository: UsersRepository,
    private readonly users: UsersService,
    private readonly providerGroups: ProviderGroups,
    private readonly apiKeys: ApiKeysService,
    private readonly audit: AuditLog,
  ) {}

  private get settings(): OidcConfig {
    return this.config.auth.oidc!;
  }

  async resolve(claims: IdTokenClaims): Promise<ResolvedAccount> {
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
    this.checkDomain(email);
    const known = await this.identities.findByIssuerSubject(claims.iss, claims.sub);
    let account: ResolvedAccount;
    if (known?.user) {
      await this.ensureActive(known.user);
      await this.identities.touch(known.id, email || null);
      account = { user: known.user, identity: known };
    } else {
      account = await this.firstSignIn(claims, email).catch(async (error: unknown) => {
        // Two first sign-ins of one person at once (two tabs): the one that lost the race on the unique
        // email or identity finds the winner's identity, and signs in to it rather than failing.
        const winner = await this.winnerOf(claims);
        if (!winner?.user) throw error;
        return { user: winner.user, identity: winner };
      });
    }
    return { ...account, user: await this.applyProviderRoles(account.user, claims) };
  }

  /**
   * The identity a concurrent first sign-in made. The winner creates the account, then its identity, in
   * two statements: the loser, refused on the account's email in between, gives it a moment.
   */
  private async winnerOf(claims: IdTokenClaims): Promise<UserIdentity | null> {
    for (let attempt = 1; ; attempt++) {
      const winner = await this.identities.findByIssuerSubject(claims.iss, claims.sub);
      if (winner?.user || attempt >= WINNER_LOOKUPS) return winner;
      await sleep(WINNER_LOOKUP_INTERVAL_MS);
    }
  }

  private checkDomain(email: string): void {
    const allowed = this.settings.allowedDomains;
    if (allowed.length === 0) return;
    const domain = email.split('@')[1] ?? '';
    if (!allowed.includes(domain)) throw new ForbiddenError("Your email's domain is not allowed to sign in here");
  }

  private async ensureActive(user: User): Promise<void> {
    if (user.is_active) return;
    await this.audit.record({ action: 'auth.login', outcome: 'failure', actor: user, target: userTarget(user), details: { method: 'oidc', reason: 'deactivated' } });
    throw new ForbiddenError('This account is deactivated');
  }

  private async firstSignIn(claims: IdTokenClaims, email: string): Promise<ResolvedAccount> {
    if (!email.includes('@')) throw new ForbiddenError('The identity provider gave no email address for your account: ask its administrator');
    const existing = await this.usersRepository.findByEmail(email);
    if (existing) return this.link(existing, claims, email);
    if (!this.settings.autoCreate) throw new ForbiddenError('No account here matches yours, and accounts are not created at sign-in: ask an admin');
    const claimed = this.settings.trigrammeClaim ? claims[this.settings.trigrammeClaim] : undefined;
    const fromDirectory = typeof claimed === 'string' && TRIGRAMME.test(claimed) ? claimed.toUpperCase() : null;
    const derived = trigrammeCandidates({ given_name: claims.given_name, family_name: claims.family_name, name: claims.name, email });
    // The directory's trigramme when it is free; else (like having none) one derived from the names.
    const directoryFree = fromDirectory !== null && (await this.usersRepository.takenTrigrammes([fromDirectory])).length === 0;
    const user = await this.users.createFromProvider(
      directoryFree ? { email, trigrammes: [fromDirectory], trigramme_derived: false } : { email, trigrammes: derived, trigramme_derived: true },
    );
    const identity = await this.identities.insert({ user_id: user.id, issuer: claims.iss, subject: claims.sub, email });
    await this.audit.record({ action: 'user.create', actor: user, target: userTarget(user), details: { method: 'oidc', is_admin: user.is_admin } });
    return { user, identity };
  }

  /** A first sign-in whose email is an existing account's: linked only on the provider's verified email, when allowed. */
  private async link(user: User, claims: IdTokenClaims, email: string): Promise<ResolvedAccount> {
    if (claims.email_verified !== true || !this.settings.linkVerifiedEmail) {
      await this.audit.record({
        action: 'auth.login',
        outcome: 'failure',
        actor: null,
        target: userTarget(user),
        details: { method: 'oidc', reason: claims.email_verified === true ? 'linking_disabled' : 'email_not_verified' },
      });
      throw new ForbiddenError(
        claims.email_verified === true
          ? 'An account with your email already exists here and is not linked to your sign-on: ask an admin'
          : 'An account with your email already exists here, but the identity provider has not verified that this email is yours',
      );
    }
    await this.ensureActive(user);
    const identity = await this.identities.insert({ user_id: user.id, issuer: claims.iss, subject: claims.sub, email });
    await this.audit.record({ action: 'user.oidc_link', actor: user, target: userTarget(user), details: { issuer: claims.iss } });
    return { user, identity };
  }

  /** OIDC_ADMIN_GROUPS and OIDC_SYNC_GROUPS: the role and memberships the groups claim gives, at each sign-in. */
  private async applyProviderRoles(user: User, claims: IdTokenClaims): Promise<User> {
    const { adminGroups, syncGroups, groupsClaim } = this.settings;
    const groups = stringList(claims[groupsClaim]);
    if (adminGroups.length > 0) {
      const isAdmin = groups.some((group) => adminGroups.includes(group));
      const { changed, kept } = await this.users.setAdminFromProvider(user.id, isAdmin);
      if (kept) this.logger.warn(`User ${user.id} is no longer in an admin group of the provider but stays admin: the last active admin`);
      if (changed) {
        // Their API keys' cached principals carry the role too.
        await this.apiKeys.forget(await this.apiKeys.liveHashesOf(user.id));
        await this.audit.record({ action: 'user.role_change', actor: null, target: userTarget(user), details: { is_admin: isAdmin, source: 'oidc' } });
        user = { ...user, is_admin: isAdmin };
      }
    }
    if (syncGroups) await this.providerGroups.sync(user, groups);
    return user;
  }
}
