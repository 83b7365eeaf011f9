import type { Worker } from 'node:cluster';

interface Slot {
  worker: Worker;
  startedAt: number;
  ready: boolean;
}

/** The primary's workers by index: which take connections, and whose turn it is. */
export class WorkerPool {
  private readonly slots = new Map<number, Slot>();
  private turn = 0;

  add(index: number, worker: Worker): void {
    this.slots.set(index, { worker, startedAt: Date.now(), ready: false });
  }

  markReady(index: number, worker: Worker): void {
    const slot = this.slots.get(index);
    if (slot?.worker === worker) slot.ready = true;
  }

  /** Forgets the worker; returns how long it lived (ms), or undefined if another took its place already. */
  remove(index: number, worker: Worker): number | undefined {
    const slot = this.slots.get(index);
    if (slot?.worker !== worker) return undefined;
    this.slots.delete(index);
    return Date.now() - slot.startedAt;
  }

  workers(): Worker[] {
    return [...this.slots.values()].map((slot) => slot.worker);
  }

  /** The worker of that index when it is ready, else the next ready one in turn; undefined while none is. */
  pick(preferred?: number): Worker | undefined {
    const wanted = preferred === undefined ? undefined : this.slots.get(preferred);
    if (wanted?.ready) return wanted.worker;
    const ready = [...this.slots.entries()].filter(([, slot]) => slot.ready).sort(([a], [b]) => a - b);
    if (ready.length === 0) return undefined;
    this.turn = (this.turn + 1) % ready.length;
    return ready[this.turn][1].worker;
  }
}
