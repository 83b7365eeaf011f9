import { Module } from '@nestjs/common';
import { AuditModule } from '#audit';
import { RealtimeModule } from '#realtime';
import { sessionCacheProvider } from './session-cache';
import { SessionCleanupJob } from './session-cleanup.job';
import { SessionRevocations } from './session-revocations';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';
import { UrlTickets } from './url-tickets';

/** Revocable sign-in sessions: listing and revoking them, the cache that authenticates requests, their cleanup, and the URL tickets bound to them. */
@Module({
  imports: [AuditModule, RealtimeModule],
  controllers: [SessionsController],
  providers: [SessionsService, sessionCacheProvider, SessionRevocations, SessionCleanupJob, UrlTickets],
  exports: [SessionsService, UrlTickets],
})
export class SessionsModule {}
