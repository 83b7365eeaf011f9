import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiQueryErrors, Authenticated } from '#common';
import { AuditEventsService } from './audit-events.service';
import { AuditEventPage, ListAuditEventsQuery } from './dto/audit.dto';

@ApiTags('admin')
@Authenticated({ admin: true })
@Controller('admin/audit')
export class AuditController {
  constructor(private readonly events: AuditEventsService) {}

  @Get()
  @ApiOkResponse({ type: AuditEventPage, description: 'Matching audit records, newest first.' })
  @ApiOperation({
    summary: 'Read the audit log',
    description:
      'Append-only records of sign-ins, sign-outs, password changes, session revocations, changes to users, groups, budgets and ' +
      'agent sharing, document deletions and refused admin requests. Filters combine; `from` is inclusive, `to` exclusive. ' +
      'Records older than AUDIT_RETENTION_DAYS are deleted.',
  })
  @ApiQueryErrors()
  list(@Query() query: ListAuditEventsQuery): Promise<AuditEventPage> {
    return this.events.list(query);
  }
}
