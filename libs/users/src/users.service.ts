import { Inject, Injectable } from '@nestjs/common';
import { AuditLog } from '#audit';
import { AppValidationPipe, ConflictError, NotFoundError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { UserFieldTakenError, UsersRepository } from '#database';
import type { UniqueUserField, User, UserChanges } from '#database';
import { SessionsService } from '#sessions';
import { NewUserDto } from './new-user.dto';
import { hashPassword } from './password';

const TAKEN: Record<UniqueUserField, string> = {
  email: 'A user with this email already exists',
  trigramme: 'A user with this trigramme already exists',
};

/** Runs a write; a taken email or trigramme becomes a 409 naming it. */
async function conflictIfTaken<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UserFieldTakenError) throw new ConflictError(TAKEN[error.field]);
    throw error;
  }
}

export interface NewUser {
  email: string;
  trigramme: string;
  password: string;
  is_admin?: boolean;
}

export interface ProvisionedAdmin {
  user: User;
  /** False when an existing user (same email) was made an active admin. */
  created: boolean;
}

/** Accounts: creating, finding and changing users, for sign-up, sign-in, profile and operators. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditLog,
  ) {}

  /** Creates a user; the very first user becomes admin. */
  async create(input: NewUser): Promise<User> {
    const hashed_password = await hashPassword(input.password, this.config.auth.bcryptRounds);
    const { email, trigramme } = input;
    return conflictIfTaken(() =>
      // Under the lock, so two first sign-ups cannot both see an empty table.
      this.users.withUsersLock(async (locked) => {
        const first = (await locked.count()) === 0;
        return locked.insert({ email, trigramme, hashed_password, is_admin: first || !!input.is_admin });
      }),
    );
  }

  /**
   * For operators (the create-admin command): validates `input` with the
   * registration rules (a ValidationError otherwise), then creates that admin,
   * or makes the existing user with that email an active admin.
   */
  async provisionAdmin(input: unknown): Promise<ProvisionedAdmin> {
    const metadata = { type: 'body', metatype: NewUserDto } as const;
    const valid = (await new AppValidationPipe().transform(input, metadata)) as NewUserDto;
    const existing = await this.users.findByEmail(valid.email);
    if (!existing) return { user: await this.createAdmin(valid), created: true };
    await this.users.update(existing.id, { is_admin: true, is_active: true });
    // Cached sessions carry the old role.
    await this.sessions.forgetUser(existing.id);
    const target = { type: 'user' as const, id: existing.id, label: existing.email };
    if (!existing.is_admin) await this.audit.record({ action: 'user.role_change', target, details: { is_admin: true } });
    if (!existing.is_active) await this.audit.record({ action: 'user.activate', target });
    return { user: await this.get(existing.id), created: false };
  }

  /** An admin created by an operator (configuration or command), recorded with no actor. */
  async createAdmin(input: NewUser): Promise<User> {
    const user = await this.create({ ...input, is_admin: true });
    await this.audit.record({ action: 'user.create', target: { type: 'user', id: user.id, label: user.email }, details: { is_admin: true } });
    return user;
  }

  async get(id: number): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError('User not found');
    return user;
  }

  /** By email or trigramme, as typed at login. */
  findByLogin(identifier: string): Promise<User | null> {
    const value = identifier.trim();
    return value.includes('@') ? this.users.findByEmail(value.toLowerCase()) : this.users.findByTrigramme(value.toUpperCase());
  }

  /**
   * An account with no password, for a first single sign-on: the first of `trigrammes` no one has
   * (the caller makes them distinct and offers enough; a race for one moves to the next). The very
   * first user becomes admin, as at sign-up. A taken email is a 409.
   */
  async createFromProvider(input: { email: string; trigrammes: string[]; trigramme_derived: boolean }): Promise<User> {
    const taken = new Set(await this.users.takenTrigrammes(input.trigrammes));
    for (const trigramme of input.trigrammes.filter((candidate) => !taken.has(candidate))) {
      try {
        return await this.users.withUsersLock(async (locked) => {
          const first = (await locked.count()) === 0;
          const row = { email: input.email, trigramme, hashed_password: null, is_admin: first, trigramme_derived: input.trigramme_derived };
          return locked.insert(row);
        });
      } catch (error) {
        if (error instanceof UserFieldTakenError && error.field === 'trigramme') continue;
        if (error instanceof UserFieldTakenError) throw new ConflictError(TAKEN[error.field]);
        throw error;
      }
    }
    throw new ConflictError('No free trigramme could be derived for this account: ask an admin');
  }

  /**
   * Sets the user's admin role as the identity provider says, under the last-admin rule: the last
   * active admin is never demoted (then `kept` is true). Cached sessions are dropped when it changed.
   */
  async setAdminFromProvider(id: number, isAdmin: boolean): Promise<{ changed: boolean; kept: boolean }> {
    const result = await this.users.withUsersLock(async (locked) => {
      const user = await locked.findById(id);
      if (!user || user.is_admin === isAdmin) return { changed: false, kept: false };
      if (!isAdmin && user.is_active && (await locked.countActiveAdmins()) <= 1) return { changed: false, kept: true };
      await locked.update(id, { is_admin: isAdmin });
      return { changed: true, kept: false };
    });
    if (result.changed) await this.sessions.forgetUser(id);
    return result;
  }

  async update(id: number, changes: Pick<UserChanges, 'email' | 'trigramme' | 'trigramme_derived'>): Promise<User> {
    await conflictIfTaken(() => this.users.update(id, changes));
    return this.get(id);
  }

  async setPassword(id: number, password: string): Promise<void> {
    await this.users.update(id, { hashed_password: await hashPassword(password, this.config.auth.bcryptRounds) });
  }
}
