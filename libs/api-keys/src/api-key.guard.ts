import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrors } from '#common';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import type { ApiKeyPrincipal } from './api-key-principal';

/** The OpenAPI security scheme of the /v1 routes (declared with the document's other schemes). */
export const API_KEY_SECURITY = 'api_key';

const BEARER = /^Bearer ([^\s]+)$/i;

type KeyedRequest = Request & { apiKey?: ApiKeyPrincipal };

/** Requires a valid personal API key (`Authorization: Bearer fgk_…`) and puts its principal on the request. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly authenticator: ApiKeyAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<KeyedRequest>();
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    request.apiKey = await this.authenticator.authenticate(token);
    return true;
  }
}

/**
 * Guards a controller (or route) with a personal API key instead of a session,
 * and documents it. The controller's module imports ApiKeysModule.
 */
export function ApiKeyAuthenticated() {
  return applyDecorators(
    UseGuards(ApiKeyGuard),
    ApiBearerAuth(API_KEY_SECURITY),
    ApiErrors({ 401: 'Missing, invalid, expired or revoked API key.', 403: 'API keys are disabled by an administrator, or the key may not do this.' }),
  );
}

/** The principal of an @ApiKeyAuthenticated route. */
export const CurrentApiKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ApiKeyPrincipal => context.switchToHttp().getRequest<KeyedRequest>().apiKey!,
);
