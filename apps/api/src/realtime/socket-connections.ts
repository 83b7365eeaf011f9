import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { TooManyRequestsError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { MetricsService } from '#health';
import { SessionsService } from '#sessions';
import type { AuthUser } from '#auth';
import type { ChatServer, ChatSocket } from './chat-socket';
import { SOCKET_LEASE_MS, SOCKET_SLOTS } from './socket-slots';
import type { SocketHolder, SocketSlots } from './socket-slots';

// Catches anything a revocation notice missed, and renews the sockets' slots well within their lease.
const SESSION_SWEEP_MS = SOCKET_LEASE_MS / 3;
// setTimeout's longest delay: a session ending later re-arms its timer.
const MAX_TIMER_MS = 2 ** 31 - 1;

const holderOf = (socket: { id: string; data: { user: AuthUser } }): SocketHolder => ({ userId: socket.data.user.id, socketId: socket.id });

/**
 * The rules of an open socket: at most MAX_SOCKETS_PER_USER per user (leased
 * slots), closed when its session ends or is found revoked, and counted.
 */
@Injectable()
export class SocketConnections implements OnApplicationShutdown {
  private readonly logger = new Logger('SocketConnections');
  private sweep?: NodeJS.Timeout;

  constructor(
    @Inject(SOCKET_SLOTS) private readonly slots: SocketSlots,
    private readonly sessions: SessionsService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Takes one of the user's socket slots, or refuses the handshake. */
  async admit(socket: ChatSocket, user: AuthUser): Promise<void> {
    if (!(await this.slots.acquire({ userId: user.id, socketId: socket.id }))) {
      const max = this.config.limits.socketsPerUser;
      throw new TooManyRequestsError(SESSION_SWEEP_MS / 1000, `Too many open connections: at most ${max} per user; close another tab or connection`);
    }
    socket.data = { user, typingSentAt: new Map() };
  }

  opened(socket: ChatSocket): void {
    this.metrics.socketConnected();
    this.closeAtExpiry(socket, socket.data.user.session_expires_at);
  }

  closed(socket: ChatSocket): void {
    this.metrics.socketDisconnected();
    clearTimeout(socket.data.expiry);
    this.slots
      .release(holderOf(socket))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'Could not release a socket slot; its lease will lapse'));
  }

  /** Renews this instance's slots and closes sockets of ended sessions, periodically. */
  watch(server: ChatServer): void {
    this.sweep = setInterval(() => {
      this.renewAndCheck(server).catch((error: unknown) => this.logger.warn({ err: error }, 'Socket sweep failed; the next one retries'));
    }, SESSION_SWEEP_MS);
    this.sweep.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }

  /** Disconnects the socket when its session ends, not at the next sweep. */
  private closeAtExpiry(socket: ChatSocket, expiresAt: number): void {
    const remaining = expiresAt - Date.now();
    socket.data.expiry = setTimeout(
      () => (remaining > MAX_TIMER_MS ? this.closeAtExpiry(socket, expiresAt) : socket.disconnect(true)),
      Math.min(Math.max(remaining, 0), MAX_TIMER_MS),
    );
    socket.data.expiry.unref();
  }

  private async renewAndCheck(server: ChatServer): Promise<void> {
    // A socket still in its handshake has no user yet.
    const sockets = (await server.local.fetchSockets()).filter((socket) => socket.data?.user);
    await this.slots.renew(sockets.map(holderOf));
    for (const socket of sockets) {
      if (!(await this.sessions.authenticate(socket.data.user.session_id))) socket.disconnect(true);
    }
  }
}
