import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiErrors, ApiSignedIn } from '../openapi/api-decorators';

/** Route metadata read by Auth's global guard: present = a signed-in user is required. */
export const AUTHENTICATION = 'auth:authentication';

export interface AuthenticationOptions {
  admin: boolean;
  /** Also accept a `?ticket=` URL ticket of this purpose, bound to the id in this route param (instead of the header). */
  ticket?: { purpose: string; param: string };
}

/**
 * Guards a controller or route and documents its bearer auth in Swagger.
 * Metadata only (Auth's global guard enforces it), so every feature can use
 * it without depending on the Auth module.
 */
export function Authenticated(options: { admin?: boolean; ticket?: AuthenticationOptions['ticket'] } = {}) {
  return applyDecorators(
    SetMetadata(AUTHENTICATION, { admin: options.admin ?? false, ticket: options.ticket } satisfies AuthenticationOptions),
    ApiSignedIn(),
    ApiErrors(401),
    ...(options.admin ? [ApiErrors({ 403: 'Not an admin.' })] : []),
  );
}
