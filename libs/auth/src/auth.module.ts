import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '#audit';
import { RateLimitModule } from '#common';
import { SessionsModule } from '#sessions';
import { UsersModule } from '#users';
import { AccessTokens } from './access-tokens';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';

/** Sign-up, sign-in and sign-out, the bearer tokens, and the guard that checks them. */
@Module({
  imports: [AuditModule, UsersModule, SessionsModule, RateLimitModule],
  controllers: [AuthController],
  providers: [
    // Enforces @Authenticated on every route of every feature.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    AccessTokens,
    AuthService,
  ],
  exports: [AccessTokens, AuthService],
})
export class AuthModule {}
