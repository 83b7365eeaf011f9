import { requestLineReady, requestTarget, sessionWorker } from './request-routing';

const SOCKET_PATH = '/ws/socket.io';

describe('routing a connection by its first request', () => {
  it('waits for a whole request line, up to a bound', () => {
    expect(requestLineReady(Buffer.from('GET /ws/socket.io/?EIO=4&tra'))).toBe(false);
    expect(requestLineReady(Buffer.from('GET / HTTP/1.1\r\nHost: x'))).toBe(true);
    expect(requestLineReady(Buffer.alloc(8192, 0x41))).toBe(true);
  });

  it('reads the target of an HTTP/1 request line only', () => {
    expect(requestTarget(Buffer.from('POST /api/messages HTTP/1.1\r\nHost: x\r\n\r\n'))).toBe('/api/messages');
    expect(requestTarget(Buffer.from('GET /health HTTP/1.0\n\n'))).toBe('/health');
    expect(requestTarget(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'))).toBeUndefined();
    expect(requestTarget(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x0a]))).toBeUndefined();
    expect(requestTarget(Buffer.from('GET /no-line-end'))).toBeUndefined();
  });

  it('sends an Engine.IO request to the worker its sid names, and leaves the rest to the balancer', () => {
    expect(sessionWorker('/ws/socket.io/?EIO=4&transport=polling&sid=1.abc_-D', SOCKET_PATH)).toBe(1);
    expect(sessionWorker('/ws/socket.io/?EIO=4&transport=websocket&sid=12.xyz', SOCKET_PATH)).toBe(12);
    expect(sessionWorker('/ws/socket.io/?EIO=4&transport=polling&t=abc', SOCKET_PATH)).toBeUndefined();
    expect(sessionWorker('/ws/socket.io/?sid=not-ours', SOCKET_PATH)).toBeUndefined();
    expect(sessionWorker('/api/chats?sid=1.abc', SOCKET_PATH)).toBeUndefined();
    expect(sessionWorker('/ws/socket.io.evil/?sid=1.abc', SOCKET_PATH)).toBeUndefined();
    expect(sessionWorker('/ws/socket.io/', SOCKET_PATH)).toBeUndefined();
  });
});
