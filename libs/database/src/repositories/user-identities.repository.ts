import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UserIdentity } from '../entities/user-identity.entity';

export type NewUserIdentityRow = Pick<UserIdentity, 'user_id' | 'issuer' | 'subject' | 'email'>;

/** Every query on user_identities (users' accounts at the OpenID Connect provider). */
@Injectable()
export class UserIdentitiesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get identities() {
    return this.dataSource.getRepository(UserIdentity);
  }

  /** The identity with its user: the only way a sign-in is matched. */
  findByIssuerSubject(issuer: string, subject: string): Promise<UserIdentity | null> {
    return this.identities.findOne({ where: { issuer, subject }, relations: { user: true } });
  }

  insert(row: NewUserIdentityRow): Promise<UserIdentity> {
    return this.identities.save(this.identities.create({ ...row, last_login_at: new Date() }));
  }

  /** At each sign-in: when, and the email the provider gave this time. */
  async touch(id: number, email: string | null): Promise<void> {
    await this.identities.update(id, { last_login_at: new Date(), email });
  }

  existsForUser(userId: number): Promise<boolean> {
    return this.identities.existsBy({ user_id: userId });
  }
}
