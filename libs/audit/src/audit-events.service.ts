import { Injectable } from '@nestjs/common';
import { toPage, ValidationError } from '#common';
import { AuditRepository } from '#database';
import type { AuditEvent } from '#database';
import type { AuditEventPage, AuditEventResponse, ListAuditEventsQuery } from './dto/audit.dto';

function presentEvent(event: AuditEvent): AuditEventResponse {
  return { ...event, id: Number(event.id) };
}

/** Reading the audit log, for admins. */
@Injectable()
export class AuditEventsService {
  constructor(private readonly events: AuditRepository) {}

  /** Newest first; filters combine (all must match). */
  async list(query: ListAuditEventsQuery): Promise<AuditEventPage> {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from > to) throw new ValidationError([{ loc: ['query', 'from'], msg: 'from must not be after to' }]);
    const action = query.action;
    const rows = await this.events.list(
      {
        actorId: query.actor_id,
        action,
        actionPrefix: action?.endsWith('.'),
        targetType: query.target_type,
        targetId: query.target_id,
        outcome: query.outcome,
        from,
        to,
      },
      { limit: query.limit + 1, before: query.before },
    );
    return toPage(rows, query.limit, presentEvent, (event) => Number(event.id));
  }
}
