import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class OpenAiErrorDetail {
  @ApiProperty({ example: 'The model `agent-42` does not exist or you do not have access to it.' }) message!: string;
  @ApiProperty({
    example: 'not_found_error',
    description:
      '`invalid_request_error` (400, 409, 413, 415), `authentication_error` (401), `permission_error` (403), `not_found_error` (404), `rate_limit_error` (429), `api_error` (5xx).',
  })
  type!: string;
  @ApiProperty({ type: String, nullable: true, example: 'model_not_found', description: '`invalid_api_key` (401), `model_not_found` (404 on `model`), `rate_limit_exceeded` (429), else null.' })
  code!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'model', description: 'The request parameter at fault, when one is.' })
  param!: string | null;
}

/** Every error of the OpenAI-compatible API (/v1), in OpenAI's shape so official SDKs raise their usual exceptions. */
export class OpenAiErrorResponse {
  @ApiProperty({ type: OpenAiErrorDetail }) error!: OpenAiErrorDetail;
}

export type OpenAiErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503;

const DESCRIPTIONS: Record<OpenAiErrorStatus, string> = {
  400: 'Invalid request: malformed JSON, an invalid or unsupported parameter (`param` names it).',
  401: 'Missing, invalid, expired or revoked API key.',
  403: 'The key may not do this.',
  404: 'Not found.',
  409: 'Conflicts with the current state.',
  413: 'Request body too large.',
  429: 'Too many requests or a budget exhausted; retry after `Retry-After` seconds.',
  503: 'Temporarily unavailable; retry later.',
};

/** Documents /v1 error responses with `OpenAiErrorResponse` bodies: `@ApiOpenAiErrors(400, { 404: 'Unknown model.' })`. */
export function ApiOpenAiErrors(...errors: (OpenAiErrorStatus | Partial<Record<OpenAiErrorStatus, string>>)[]) {
  const descriptions = new Map<OpenAiErrorStatus, string>();
  for (const error of errors) {
    if (typeof error === 'number') descriptions.set(error, DESCRIPTIONS[error]);
    else for (const [status, description] of Object.entries(error)) descriptions.set(Number(status) as OpenAiErrorStatus, description);
  }
  return applyDecorators(
    ApiExtraModels(OpenAiErrorResponse, OpenAiErrorDetail),
    ...[...descriptions].map(([status, description]) =>
      ApiResponse({
        status,
        description,
        content: { 'application/json': { schema: { $ref: getSchemaPath(OpenAiErrorResponse) } } },
        ...(status === 429 ? { headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } } : {}),
      }),
    ),
  );
}
