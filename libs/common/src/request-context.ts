import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

/** Where an HTTP request comes from, readable anywhere in the work it causes (for the audit log). */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

const origins = new AsyncLocalStorage<RequestOrigin>();

/** Express middleware: the rest of the request runs with its origin in context. */
export function requestOrigin(request: Request, _response: Response, next: NextFunction): void {
  const userAgent = request.get('user-agent');
  origins.run({ ip: request.ip ?? null, userAgent: userAgent ? userAgent.slice(0, 512) : null }, next);
}

/** The origin of the request being served; nulls outside a request (jobs, CLI, sockets). */
export function currentRequestOrigin(): RequestOrigin {
  return origins.getStore() ?? { ip: null, userAgent: null };
}
