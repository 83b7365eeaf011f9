import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '../../../../libs/config/src';
import type { AppConfig } from '../../../../libs/config/src';
import { Session, User } from '../../../../libs/database/src';
import { AdminController } from '../admin/admin.controller';
import { AdminService } from '../admin/admin.service';
import { SessionsController } from '../sessions/sessions.controller';
import { SessionRevocations } from '../sessions/session-revocations';
import { SessionsService } from '../sessions/sessions.service';
import { AdminBootstrap } from '../users/admin-bootstrap';
import { UsersService } from '../users/users.service';
import { AccessTokens } from './access-tokens';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';

/** Sign-up, sign-in, sessions and user administration; exports what guards need. */
@Module({
  imports: [
    PassportModule,
    TypeOrmModule.forFeature([User, Session]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.auth.jwtSecret,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, SessionsController, AdminController],
  providers: [AccessTokens, AuthService, SessionsService, SessionRevocations, UsersService, AdminService, AdminBootstrap, JwtStrategy],
  exports: [AccessTokens, SessionsService, SessionRevocations, UsersService],
})
export class AuthModule {}
