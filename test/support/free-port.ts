import { connect, createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now, for a server a test or the bench starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

// Below Linux's default ephemeral range (32768-60999), where port-0 listeners and client sockets get their ports.
const CLOSED_RANGE = { from: 20_000, to: 32_000 };

/**
 * A port on 127.0.0.1 where nothing listens, for a test of "the server is not
 * there". Not from freePort: a port released there goes back to the ephemeral
 * range, and under load another suite's server started on port 0 may get it
 * the next moment (seen: Redis's "connection refused" became a reset from a
 * stranger's HTTP server). Ports below that range are only ever taken on purpose.
 */
export async function closedPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = CLOSED_RANGE.from + Math.floor(Math.random() * (CLOSED_RANGE.to - CLOSED_RANGE.from));
    if (await refuses(port)) return port;
  }
  throw new Error('no closed port found below the ephemeral range');
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
