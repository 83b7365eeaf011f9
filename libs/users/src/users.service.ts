import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { ConflictError, NotFoundError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { User } from '#database';
import { hashPassword } from './password';

// Serialises the few writes whose rule spans all users (first admin, last admin).
const USERS_LOCK_ID = 861_861_002;

const UNIQUE_DETAILS: Record<string, string> = {
  UQ_users_email: 'A user with this email already exists',
  UQ_users_trigramme: 'A user with this trigramme already exists',
};

/** Turns a unique-index violation into a 409 naming the field. */
function conflictFrom(error: unknown): never {
  const constraint = (error as { constraint?: string; detail?: string }).constraint ?? '';
  const message = error instanceof Error ? error.message : '';
  for (const [name, detail] of Object.entries(UNIQUE_DETAILS)) {
    if (constraint === name || message.includes(name)) throw new ConflictError(detail);
  }
  throw error;
}

export interface NewUser {
  email: string;
  trigramme: string;
  password: string;
  is_admin?: boolean;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates a user; the very first user becomes admin. */
  async create(input: NewUser): Promise<User> {
    const hashed_password = await hashPassword(input.password, this.config.auth.bcryptRounds);
    try {
      return await this.withUsersLock(async (manager) => {
        const first = (await manager.count(User)) === 0;
        return manager.save(
          manager.create(User, {
            email: input.email,
            trigramme: input.trigramme,
            hashed_password,
            is_admin: first || !!input.is_admin,
          }),
        );
      });
    } catch (error) {
      if (error instanceof QueryFailedError) conflictFrom(error);
      throw error;
    }
  }

  async get(id: number): Promise<User> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id });
    if (!user) throw new NotFoundError('User not found');
    return user;
  }

  /** By email or trigramme, as typed at login. */
  findByLogin(identifier: string): Promise<User | null> {
    const value = identifier.trim();
    const where = value.includes('@') ? { email: value.toLowerCase() } : { trigramme: value.toUpperCase() };
    return this.dataSource.getRepository(User).findOneBy(where);
  }

  async update(id: number, changes: Partial<Pick<User, 'email' | 'trigramme' | 'hashed_password'>>): Promise<User> {
    const users = this.dataSource.getRepository(User);
    try {
      await users.update(id, changes);
    } catch (error) {
      if (error instanceof QueryFailedError) conflictFrom(error);
      throw error;
    }
    return this.get(id);
  }

  /** Runs `work` in a transaction holding the users lock. */
  withUsersLock<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [USERS_LOCK_ID]);
      return work(manager);
    });
  }
}
