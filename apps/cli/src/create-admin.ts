import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig } from '#config';
import { User } from '#database';
import { RegisterDto } from '#auth';
import { AppValidationPipe } from '#common';
import { UsersService } from '#users';
import { CliModule } from './cli.module';

/**
 * Creates an admin, or makes an existing user (same email) an active admin.
 * Input is validated with the same rules as registration.
 */
export async function createAdmin(config: AppConfig, input: Record<string, unknown>): Promise<string> {
  const valid = (await new AppValidationPipe().transform(input, { type: 'body', metatype: RegisterDto })) as RegisterDto;
  // No Nest logging: the command prints its one result line, or main() its one error line.
  const context = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: false, abortOnError: false });
  try {
    const users = context.get(UsersService);
    const existing = await users.findByLogin(valid.email);
    if (existing) {
      await context.get(DataSource).getRepository(User).update(existing.id, { is_admin: true, is_active: true });
      return `${valid.email} is now an active admin`;
    }
    await users.create({ ...valid, is_admin: true });
    return `Created admin ${valid.email} (${valid.trigramme})`;
  } finally {
    await context.close();
  }
}
