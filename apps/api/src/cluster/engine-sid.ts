import { randomBytes } from 'node:crypto';

/**
 * Engine.IO session ids that name the worker holding the session, so the
 * primary can route every later request of that session (each long-poll, the
 * WebSocket upgrade) to it: `<worker index>.<random>`, URL-safe as the
 * protocol requires (the id travels in `?sid=`).
 */
const SID = /^(\d{1,2})\.[\w-]+$/;

export function engineSid(workerIndex: number): string {
  // 18 random bytes: as unguessable as engine.io's own ids (base64id, 15 bytes).
  return `${workerIndex}.${randomBytes(18).toString('base64url')}`;
}

/** The worker index a sid carries; undefined for a sid not made by engineSid. */
export function workerOfSid(sid: string): number | undefined {
  const match = SID.exec(sid);
  return match ? Number(match[1]) : undefined;
}
