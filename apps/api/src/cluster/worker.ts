import * as fs from 'node:fs';
import type { Server } from 'node:http';
import { Socket } from 'node:net';
import { Logger as NestLogger } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { BootReporter, prepareBoot } from '#common';
import { AppConfig, Env, loadConfig, resolveJwtSecret } from '#config';
import { createApp } from '../create-app';
import { SOCKET_PATH } from '../realtime/socket-io.adapter';
import { adoptConnection } from './adopt-connection';
import { isConnectionMessage, ReadyMessage, WORKER_ENV, workerSocketPath } from './cluster-protocol';
import { passForeignSessionRequests } from './foreign-session-proxy';

/** The settings as the primary checked them: it already reached Redis and migrated the database. */
async function workerConfig(env: Env, boot: BootReporter, index: number): Promise<AppConfig> {
  if (!env[WORKER_ENV.bootDone]) return { ...(await prepareBoot(env, boot)), workerIndex: index };
  NestLogger.overrideLogger(boot.nestLogger);
  return { ...resolveJwtSecret(loadConfig(env)), workerIndex: index };
}

function listenPrivately(server: Server, path: string): Promise<void> {
  // A socket file left by a killed worker of this index would refuse the listen.
  fs.rmSync(path, { force: true });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // exclusive: this worker's own socket, not one shared through the primary.
    server.listen({ path, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * One API worker: the whole app, fed with connections by the primary (see
 * Balancer) rather than listening on the port itself. It also listens on a
 * private socket, where its peers pass it requests of its own Engine.IO
 * sessions; that makes its server a listening one, which Node's request
 * timeouts and idle-connection closing at shutdown rely on.
 */
export async function runWorker(env: Env, boot: BootReporter, index: number): Promise<void> {
  const socketDir = env[WORKER_ENV.socketDir];
  if (!socketDir) throw new Error(`${WORKER_ENV.socketDir} is not set: API workers are started by the API's primary process`);
  const config = await workerConfig(env, boot, index);
  const app = await createApp(config);
  await app.init();
  const server = app.getHttpServer() as Server;
  passForeignSessionRequests(server, index, SOCKET_PATH, (owner) => workerSocketPath(socketDir, owner), config.limits.requestBodyBytes);
  await listenPrivately(server, workerSocketPath(socketDir, index));
  process.on('message', (message: unknown, handle: unknown) => {
    if (isConnectionMessage(message) && handle instanceof Socket) adoptConnection(server, handle, Buffer.from(message.head, 'base64'));
  });
  const ready: ReadyMessage = { type: 'foyergpt:ready' };
  process.send?.(ready);
  app.get(Logger).log(`API worker ${index} ready (pid ${process.pid})`);
}
