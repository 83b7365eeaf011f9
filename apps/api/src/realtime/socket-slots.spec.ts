import { MemorySocketSlots, SOCKET_LEASE_MS } from './socket-slots';

describe('MemorySocketSlots', () => {
  afterEach(() => jest.useRealTimers());

  it('grants each user up to the limit, and a slot again once one is released', async () => {
    const slots = new MemorySocketSlots(2);
    expect(await slots.acquire({ userId: 1, socketId: 'a' })).toBe(true);
    expect(await slots.acquire({ userId: 1, socketId: 'b' })).toBe(true);
    expect(await slots.acquire({ userId: 1, socketId: 'c' })).toBe(false);
    expect(await slots.acquire({ userId: 2, socketId: 'd' })).toBe(true);
    await slots.release({ userId: 1, socketId: 'a' });
    expect(await slots.acquire({ userId: 1, socketId: 'c' })).toBe(true);
  });

  it('frees a slot whose lease was not renewed (a socket that never completed its handshake)', async () => {
    jest.useFakeTimers();
    const slots = new MemorySocketSlots(1);
    await slots.acquire({ userId: 1, socketId: 'lost' });
    jest.advanceTimersByTime(SOCKET_LEASE_MS / 2);
    expect(await slots.acquire({ userId: 1, socketId: 'b' })).toBe(false);
    jest.advanceTimersByTime(SOCKET_LEASE_MS);
    expect(await slots.acquire({ userId: 1, socketId: 'b' })).toBe(true);
  });

  it('keeps a renewed slot past its first lease', async () => {
    jest.useFakeTimers();
    const slots = new MemorySocketSlots(1);
    await slots.acquire({ userId: 1, socketId: 'a' });
    jest.advanceTimersByTime(SOCKET_LEASE_MS - 1000);
    await slots.renew([{ userId: 1, socketId: 'a' }]);
    jest.advanceTimersByTime(SOCKET_LEASE_MS - 1000);
    expect(await slots.acquire({ userId: 1, socketId: 'b' })).toBe(false);
  });
});
