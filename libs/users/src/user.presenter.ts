import { ApiProperty } from '@nestjs/swagger';
import type { User } from '#database';

/** What the API shows of a user: never the password hash. */
export class UserResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty() email!: string;
  @ApiProperty({ example: 'ABC' }) trigramme!: string;
  @ApiProperty() is_active!: boolean;
  @ApiProperty() is_admin!: boolean;
  @ApiProperty() created_at!: Date;
  @ApiProperty() updated_at!: Date;
}

export function presentUser(user: User): UserResponse {
  const { id, email, trigramme, is_active, is_admin, created_at, updated_at } = user;
  return { id, email, trigramme, is_active, is_admin, created_at, updated_at };
}
