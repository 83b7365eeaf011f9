import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthUser } from '../sessions/sessions.service';

/** The authenticated user of an @Authenticated route. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser => context.switchToHttp().getRequest<{ user: AuthUser }>().user,
);
