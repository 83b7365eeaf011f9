import { applyDecorators } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiProperty, ApiQuery } from '@nestjs/swagger';
import { TICKET_SECONDS } from './url-tickets';

/** A URL a browser can load by itself (EventSource, <img>, a link) for a short while, with no header. */
export class UrlTicketResponse {
  @ApiProperty({ description: 'Relative URL carrying a signed `ticket` query parameter; only this route accepts it.', example: '/api/documents/7?ticket=eyJwIjoi...' })
  url!: string;

  @ApiProperty({ format: 'date-time', description: `When the ticket stops being accepted (at most ${TICKET_SECONDS} s after issue).` })
  expires_at!: string;
}

/** Documents a route that issues a ticket URL for `what`. */
export const ApiTicketIssued = (summary: string, what: string) =>
  applyDecorators(
    ApiOperation({ summary }),
    ApiCreatedResponse({ type: UrlTicketResponse, description: `A URL for ${what}, valid ${TICKET_SECONDS} s, for this resource only, while this session lasts.` }),
  );

/** Documents the `ticket` query parameter of a route that takes one instead of the Authorization header. */
export const ApiTicketQuery = (issuedBy: string) =>
  ApiQuery({
    name: 'ticket',
    required: false,
    schema: { type: 'string' },
    description: `A ticket from \`${issuedBy}\`, instead of the Authorization header (for browser APIs that cannot send one: EventSource, <img src>, links).`,
  });
