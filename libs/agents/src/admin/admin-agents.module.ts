import { Module } from '@nestjs/common';
import { AdminAgentsController } from './admin-agents.controller';
import { AdminAgentsService } from './admin-agents.service';

/** The admins' directory of every agent (GET /api/admin/agents); API only, so apart from AgentsModule, which the worker boots. */
@Module({
  controllers: [AdminAgentsController],
  providers: [AdminAgentsService],
})
export class AdminAgentsModule {}
