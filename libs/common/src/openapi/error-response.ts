import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/** One reason a request was refused (422): where, and what to fix. */
export class ValidationProblem {
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    example: ['body', 'email'],
    description: 'Where: `body`, `query` or `path`, then the field names (and item indexes).',
  })
  loc!: (string | number)[];

  @ApiProperty({ example: 'email must be an email' })
  msg!: string;
}

/** Every error body: `{"detail": "…"}`, or for 422 `{"detail": [{loc, msg}, …]}`. */
export class ErrorResponse {
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { $ref: getSchemaPath(ValidationProblem) } }],
    description: 'What went wrong, for the user; a list of field problems on 422.',
  })
  detail!: string | ValidationProblem[];

  @ApiPropertyOptional({ description: 'On 5xx: the request id to quote to the operator.' })
  correlation_id?: string;
}
