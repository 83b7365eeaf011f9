import { Injectable } from '@nestjs/common';
import { RealtimePublisher } from '#realtime';

/** Closes the sockets of revoked sessions at once, on every instance, rather than at the next check. */
@Injectable()
export class SessionRevocations {
  constructor(private readonly realtime: RealtimePublisher) {}

  revoked(sessionIds: string[]): void {
    for (const id of sessionIds) this.realtime.toSession(id).disconnect();
  }
}
