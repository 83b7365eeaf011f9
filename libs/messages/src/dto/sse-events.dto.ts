import { ApiProperty } from '@nestjs/swagger';
import { MessageResponse } from '../message.presenter';

/** `event: token` data: the next tokens of the answer's text (those that came within a few ms of each other go as one event). */
export class SseTokenEvent {
  @ApiProperty() message_id!: number;
  @ApiProperty({ description: "Position of the event's first token in the answer (1, 2, …): the previous event's `seq` + 1." })
  first_seq!: number;
  @ApiProperty({ description: "Position of the event's last token; the event id is `<message_id>:<seq>`, and Last-Event-ID resumes after it." })
  seq!: number;
  @ApiProperty({ description: 'Text to append.' }) delta!: string;
}

/** `event: done` data: the answer as stored, complete (or stopped). */
export class SseDoneEvent extends MessageResponse {}

/** `event: error` data: the answer failed or was interrupted. */
export class SseErrorEvent {
  @ApiProperty() message_id!: number;
  @ApiProperty({ description: 'Why, for the user.' }) detail!: string;
  @ApiProperty({ type: MessageResponse, description: 'The answer as stored (`failed` or `interrupted`, its partial text kept).' })
  message!: MessageResponse;
}

/**
 * One frame of the stream, field by field (OpenAPI 3.1 cannot say "a sequence of events", so the
 * `text/event-stream` response points here with `x-sse-frame`).
 */
export class SseFrame {
  @ApiProperty({ required: false, type: 'integer', description: 'Reconnection delay in ms; first frame only, with no event.', example: 3000 })
  retry?: number;

  @ApiProperty({ pattern: '^\\d+:\\d+$', description: '`<message_id>:<seq>`: what Last-Event-ID (or `last_event_id`) takes to resume after it.', example: '42:17' })
  id!: string;

  @ApiProperty({ enum: ['token', 'done', 'error'], description: 'The event name (EventSource: `addEventListener(name, …)`).' })
  event!: 'token' | 'done' | 'error';

  @ApiProperty({
    description: 'JSON: SseTokenEvent for `token`, SseDoneEvent for `done`, SseErrorEvent for `error`.',
    oneOf: [{ $ref: '#/components/schemas/SseTokenEvent' }, { $ref: '#/components/schemas/SseDoneEvent' }, { $ref: '#/components/schemas/SseErrorEvent' }],
  })
  data!: SseTokenEvent | SseDoneEvent | SseErrorEvent;
}
