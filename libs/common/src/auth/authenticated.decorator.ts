import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';

/** Route metadata read by Auth's global guard: present = a signed-in user is required. */
export const AUTHENTICATION = 'auth:authentication';

export interface AuthenticationOptions {
  admin: boolean;
}

/**
 * Guards a controller or route and documents its bearer auth in Swagger.
 * Metadata only (Auth's global guard enforces it), so every feature can use
 * it without depending on the Auth module.
 */
export function Authenticated(options: { admin?: boolean } = {}) {
  return applyDecorators(
    SetMetadata(AUTHENTICATION, { admin: options.admin ?? false } satisfies AuthenticationOptions),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, invalid, expired or revoked token.' }),
    ...(options.admin ? [ApiForbiddenResponse({ description: 'Not an admin.' })] : []),
  );
}
