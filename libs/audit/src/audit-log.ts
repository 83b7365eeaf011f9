import { Injectable, Logger } from '@nestjs/common';
import { currentRequestOrigin } from '#common';
import { AuditRepository } from '#database';
import type { AuditOutcome } from '#database';

/** Who acted: a signed-in user (id and email), or nobody. */
export interface AuditActor {
  id: number;
  email: string;
}

export const AUDIT_TARGET_TYPES = ['user', 'group', 'agent', 'document', 'session', 'budget', 'route', 'api_key', 'mcp_server'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

export interface AuditTarget {
  type: AuditTargetType;
  id: number | string;
  /** A readable name at the time: an email, a group's or agent's name, a filename. */
  label?: string | null;
}

export interface AuditEntry {
  action: string;
  actor?: AuditActor | null;
  outcome?: AuditOutcome;
  target?: AuditTarget | null;
  /** Names and new values of non-secret fields, or why it was refused: never a password, token or message content. */
  details?: Record<string, unknown> | null;
}

/**
 * Writes the audit log. The request's IP and user agent come from the request
 * context. A failed write is logged, never thrown: auditing must not turn a
 * done change into an error for the user (the change is already committed).
 */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger('AuditLog');

  constructor(private readonly events: AuditRepository) {}

  async record(entry: AuditEntry): Promise<void> {
    const origin = currentRequestOrigin();
    try {
      await this.events.insert({
        action: entry.action,
        outcome: entry.outcome ?? 'success',
        actor_id: entry.actor?.id ?? null,
        actor_label: entry.actor?.email ?? null,
        target_type: entry.target?.type ?? null,
        target_id: entry.target ? String(entry.target.id) : null,
        target_label: entry.target?.label?.slice(0, 254) ?? null,
        ip: origin.ip,
        user_agent: origin.userAgent,
        details: entry.details ?? null,
      });
    } catch (error) {
      this.logger.error({ err: error, action: entry.action }, 'Could not write an audit record');
    }
  }
}
