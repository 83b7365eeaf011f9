import { NestFactory } from '@nestjs/core';
import { AppConfig } from '#config';
import { UsersService } from '#users';
import { CliModule } from './cli.module';

/**
 * Creates an admin, or makes an existing user (same email) an active admin.
 * Users validates the input with the same rules as registration.
 */
export async function createAdmin(config: AppConfig, input: Record<string, unknown>): Promise<string> {
  // No Nest logging: the command prints its one result line, or main() its one error line.
  const context = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: false, abortOnError: false });
  try {
    const { user, created } = await context.get(UsersService).provisionAdmin(input);
    return created ? `Created admin ${user.email} (${user.trigramme})` : `${user.email} is now an active admin`;
  } finally {
    await context.close();
  }
}
