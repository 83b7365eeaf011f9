import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { INT4_MAX, ValidationError } from '#common';

const LAST_EVENT_ID = /^(?:(\d{1,10}):)?(\d{1,16})$/;

/** The last event a client received: a bare seq leaves the message open. */
export interface ResumePoint {
  messageId?: number;
  seq: number;
}

export function parseLastEventId(value: unknown): ResumePoint | undefined {
  const match = typeof value === 'string' ? LAST_EVENT_ID.exec(value.trim()) : null;
  if (!match) return undefined;
  const resume = { messageId: match[1] === undefined ? undefined : Number(match[1]), seq: Number(match[2]) };
  // A message id fits its int4 column; a seq goes up to MAX_SAFE_INTEGER (an ended answer's final event).
  return (resume.messageId ?? 1) <= INT4_MAX && resume.seq <= Number.MAX_SAFE_INTEGER ? resume : undefined;
}

/**
 * Where an answer stream resumes: the Last-Event-ID header, else the `last_event_id`
 * query; undefined when absent, 422 unless `<message_id>:<seq>` (or a bare seq) in range.
 */
export const LastEventId = createParamDecorator((_: unknown, context: ExecutionContext): ResumePoint | undefined => {
  const request = context.switchToHttp().getRequest<Request>();
  const header = request.headers['last-event-id'];
  const [loc, value] = header !== undefined ? ['header', header] : ['query', request.query.last_event_id];
  if (value === undefined || value === '') return undefined;
  const resume = parseLastEventId(value);
  if (!resume) throw new ValidationError([{ loc: [loc, 'Last-Event-ID'], msg: 'Last-Event-ID must be <message_id>:<seq>' }]);
  return resume;
});
