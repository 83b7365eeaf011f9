import { BoundedCache } from './bounded-cache';

/**
 * The in-memory store of cache-manager (no Redis), bounded: Keyv's default
 * Map grows with every key ever set, and drops an expired entry only when it
 * is read again, which a catalogue entry of a past generation never is.
 * Keyv hands it serialised entries (with their expiry) and checks that expiry
 * on read; the TTL given here lets the sweep drop them unread.
 */
export class BoundedKeyvStore {
  private readonly entries: BoundedCache<string, unknown>;

  constructor(maxBytes: number) {
    this.entries = new BoundedCache({ maxBytes });
  }

  get(key: string): unknown {
    return this.entries.get(key);
  }

  set(key: string, value: unknown, ttl?: number): boolean {
    return this.entries.set(key, value, ttl);
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
