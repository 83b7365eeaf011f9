import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, QueryFailedError } from 'typeorm';
import { User } from '../entities/user.entity';
import type { PageRange } from './page-range';

// Serialises the few writes whose rule spans all users (first admin, last admin).
const USERS_LOCK_ID = 861_861_002;

export type UniqueUserField = 'email' | 'trigramme';

const UNIQUE_INDEXES: Record<string, UniqueUserField> = {
  UQ_users_email: 'email',
  UQ_users_trigramme: 'trigramme',
};

/** A write hit a unique index: another user already has this email or trigramme. */
export class UserFieldTakenError extends Error {
  constructor(readonly field: UniqueUserField) {
    super(`users.${field} is already taken`);
    this.name = 'UserFieldTakenError';
  }
}

export type NewUserRow = Pick<User, 'email' | 'trigramme' | 'hashed_password' | 'is_admin'> & Partial<Pick<User, 'trigramme_derived'>>;
export type UserChanges = Partial<Pick<User, 'email' | 'trigramme' | 'hashed_password' | 'is_active' | 'is_admin' | 'trigramme_derived'>>;

export interface UserSearch extends PageRange {
  /** Part of an email or trigramme. */
  q?: string;
}

/** Runs a write; a unique-index violation becomes a UserFieldTakenError naming the field. */
async function naming<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof QueryFailedError)) throw error;
    const constraint = (error as { constraint?: string }).constraint ?? '';
    const index = Object.keys(UNIQUE_INDEXES).find((name) => constraint === name || error.message.includes(name));
    if (index) throw new UserFieldTakenError(UNIQUE_INDEXES[index]);
    throw error;
  }
}

/** The queries a rule spanning all users runs inside the users lock's transaction. */
export class LockedUsers {
  /** `manager`: the transaction, for other repositories' writes that must commit with this one. */
  constructor(readonly manager: EntityManager) {}

  count(): Promise<number> {
    return this.manager.count(User);
  }

  countActiveAdmins(): Promise<number> {
    return this.manager.countBy(User, { is_admin: true, is_active: true });
  }

  findById(id: number): Promise<User | null> {
    return this.manager.findOneBy(User, { id });
  }

  insert(row: NewUserRow): Promise<User> {
    return naming(() => this.manager.save(this.manager.create(User, row)));
  }

  async update(id: number, changes: UserChanges): Promise<void> {
    await naming(() => this.manager.update(User, id, changes));
  }

  async delete(id: number): Promise<void> {
    await this.manager.delete(User, id);
  }
}

/** Every query on users. */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(id: number): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ id });
  }

  /** Emails are stored normalised: pass one trimmed and lower-case. */
  findByEmail(email: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ email });
  }

  /** Trigrammes are stored upper-case: pass one so. */
  findByTrigramme(trigramme: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ trigramme });
  }

  /** One page of users, newest first (`before`: a user id), matching `q` in email or trigramme when given. */
  search({ q, limit, before }: UserSearch): Promise<User[]> {
    const builder = this.dataSource.getRepository(User).createQueryBuilder('user').orderBy('user.id', 'DESC').take(limit);
    if (q) {
      const pattern = `%${q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      builder.andWhere('(user.email ILIKE :pattern OR user.trigramme ILIKE :pattern)', { pattern });
    }
    if (before) builder.andWhere('user.id < :before', { before });
    return builder.getMany();
  }

  /** Which of these trigrammes (upper-case) users already have. */
  async takenTrigrammes(trigrammes: string[]): Promise<string[]> {
    if (trigrammes.length === 0) return [];
    const rows = await this.dataSource.getRepository(User).find({ select: { trigramme: true }, where: { trigramme: In(trigrammes) } });
    return rows.map((user) => user.trigramme);
  }

  async update(id: number, changes: UserChanges): Promise<void> {
    await naming(() => this.dataSource.getRepository(User).update(id, changes));
  }

  /** Runs `work` in a transaction holding the users lock, so rules over all users see no concurrent write. */
  withUsersLock<T>(work: (users: LockedUsers) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [USERS_LOCK_ID]);
      return work(new LockedUsers(manager));
    });
  }
}
