import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Session, User } from '#database';
import { sessionCacheProvider } from './session-cache';
import { SessionCleanupJob } from './session-cleanup.job';
import { SessionRevocations } from './session-revocations';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/** Revocable sign-in sessions: listing and revoking them, the cache that authenticates requests, their cleanup. */
@Module({
  imports: [TypeOrmModule.forFeature([Session, User])],
  controllers: [SessionsController],
  providers: [SessionsService, sessionCacheProvider, SessionRevocations, SessionCleanupJob],
  exports: [SessionsService, SessionRevocations],
})
export class SessionsModule {}
