import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ADMIN_ONLY, JwtAuthGuard } from './jwt-auth.guard';


/** Guards a controller or route and documents its bearer auth in Swagger. */
export function Authenticated(options: { admin?: boolean } = {}) {
  return applyDecorators(
    SetMetadata(ADMIN_ONLY, options.admin ?? false),
    UseGuards(JwtAuthGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, invalid, expired or revoked token.' }),
    ...(options.admin ? [ApiForbiddenResponse({ description: 'Not an admin.' })] : []),
  );
}
