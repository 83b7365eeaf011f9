import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Session, User } from '../../../../libs/database/src';
import { AdminController } from '../admin/admin.controller';
import { AdminService } from '../admin/admin.service';
import { SessionsController } from '../sessions/sessions.controller';
import { sessionCacheProvider } from '../sessions/session-cache';
import { SessionRevocations } from '../sessions/session-revocations';
import { SessionsService } from '../sessions/sessions.service';
import { AdminBootstrap } from '../users/admin-bootstrap';
import { UsersService } from '../users/users.service';
import { AccessTokens } from './access-tokens';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';

/**
 * Sign-up, sign-in, sessions and user administration. Global because every
 * feature module's guarded routes need AccessTokens.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([User, Session])],
  controllers: [AuthController, SessionsController, AdminController],
  providers: [AccessTokens, AuthService, SessionsService, sessionCacheProvider, SessionRevocations, UsersService, AdminService, AdminBootstrap],
  exports: [AccessTokens, SessionsService, SessionRevocations, UsersService],
})
export class AuthModule {}
