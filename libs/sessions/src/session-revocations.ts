import { Injectable } from '@nestjs/common';

type Listener = (sessionIds: string[]) => void;

/**
 * Tells whoever holds live connections (the socket gateway) that sessions were
 * revoked, so their sockets close at once rather than at the next check.
 */
@Injectable()
export class SessionRevocations {
  private readonly listeners: Listener[] = [];

  listen(listener: Listener): void {
    this.listeners.push(listener);
  }

  revoked(sessionIds: string[]): void {
    if (sessionIds.length === 0) return;
    for (const listener of this.listeners) listener(sessionIds);
  }
}
