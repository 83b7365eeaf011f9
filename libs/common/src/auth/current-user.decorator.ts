import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** The authenticated user of an @Authenticated route (Auth's AuthUser), set on the request by Auth's guard. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): unknown => context.switchToHttp().getRequest<{ user: unknown }>().user,
);
