import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOAuth2, ApiParam, ApiResponse, ApiResponseCommonMetadata, ApiSecurity } from '@nestjs/swagger';
import { INT4_MAX } from '../validation/int4';
import { ErrorResponse, ValidationProblem } from './error-response';

/** The error statuses the API answers (error-mapping.ts), each with `ErrorResponse` as its body. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

const DEFAULT_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Malformed request (e.g. invalid JSON).',
  401: 'Missing, invalid, expired or revoked token.',
  403: 'Not allowed.',
  404: 'Not found.',
  409: 'Conflicts with the current state.',
  413: 'Request body too large.',
  415: 'Unsupported media type.',
  422: 'Invalid request: `detail` lists each field problem as `{loc, msg}`.',
  429: 'Too many requests; retry after `Retry-After` seconds.',
  503: 'Temporarily unavailable; retry later.',
};

const HEADERS: Partial<Record<ErrorStatus, ApiResponseCommonMetadata['headers']>> = {
  401: { 'WWW-Authenticate': { description: '`Bearer`.', schema: { type: 'string' } } },
  429: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
};

/**
 * Documents error responses, each with the shared `ErrorResponse` body: `@ApiErrors(404, 409)`,
 * or with this route's reasons `@ApiErrors({ 409: 'Email already taken.' })`. Statuses may mix both.
 */
export function ApiErrors(...errors: (ErrorStatus | Partial<Record<ErrorStatus, string>>)[]) {
  const descriptions = new Map<ErrorStatus, string>();
  for (const error of errors) {
    if (typeof error === 'number') descriptions.set(error, DEFAULT_DESCRIPTIONS[error]);
    else for (const [status, description] of Object.entries(error)) descriptions.set(Number(status) as ErrorStatus, description);
  }
  return applyDecorators(
    ApiExtraModels(ErrorResponse, ValidationProblem),
    ...[...descriptions].map(([status, description]) =>
      ApiResponse({ status, description, type: ErrorResponse, headers: HEADERS[status] }),
    ),
  );
}

/** A route with a JSON body: malformed JSON (400), too large (413), or invalid fields (422). */
export const ApiBodyErrors = () => ApiErrors(400, 413, 422);

/** A route whose query or form fields are validated: invalid fields (422). */
export const ApiQueryErrors = () => ApiErrors(422);

/**
 * The security of a signed-in route: a bearer token, which Swagger UI's Authorize dialog obtains with
 * the OAuth2 password flow (POST /api/auth/login) or takes as pasted. Either scheme suffices.
 */
export const ApiSignedIn = () => applyDecorators(ApiBearerAuth(), ApiOAuth2([]));

/** A route anyone may call: no credentials (`security: [{}]`). */
export const ApiNoAuth = () => ApiSecurity({});

/** Path ids read with IdPipe, documented as what they are: positive int4 (a TypeScript `number` reflects as `number`). */
export const ApiIdParams = (...names: string[]) =>
  applyDecorators(...names.map((name) => ApiParam({ name, schema: { type: 'integer', minimum: 1, maximum: INT4_MAX } })));
