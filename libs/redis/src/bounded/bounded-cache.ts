import { approximateBytes } from './approximate-bytes';

export interface BoundedCacheOptions<V> {
  /** The most the entries may hold together, approximately (keys, values and bookkeeping). */
  maxBytes: number;
  /** The most entries, whatever their size. */
  maxEntries?: number;
  /** How long an entry lives when `set` names no lifetime; absent: until evicted. */
  ttlMs?: number;
  /** The size of one value; by default estimated by `approximateBytes`. */
  sizeOf?: (value: V) => number;
  /** How often expired entries are dropped while any entry has a lifetime. */
  sweepIntervalMs?: number;
}

interface Entry<V> {
  value: V;
  bytes: number;
  /** 0: no lifetime. */
  until: number;
}

// A Map entry, the record above and the key's reference: counted on top of the key and value.
const ENTRY_OVERHEAD = 64;
const DEFAULT_SWEEP_MS = 30_000;

/**
 * A map that stays small: least recently used entries are evicted past
 * `maxBytes` or `maxEntries`, and expired ones are dropped by a periodic sweep
 * (not only when read), so memory does not grow with every key ever seen.
 * The sweep's timer runs only while entries with a lifetime exist, and never
 * keeps the process alive.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private totalBytes = 0;
  private expiring = 0;
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly options: BoundedCacheOptions<V>) {}

  get size(): number {
    return this.entries.size;
  }

  /** The approximate bytes the entries hold now. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** The value, made the most recently used; undefined when absent or expired. */
  get(key: K): V | undefined {
    const entry = this.live(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  has(key: K): boolean {
    return this.live(key) !== undefined;
  }

  /**
   * Stores the value (most recently used), evicting the least recently used
   * entries it needs room from. False when the value alone exceeds `maxBytes`:
   * it is not stored (and an older value under the key is dropped).
   */
  set(key: K, value: V, ttlMs = this.options.ttlMs): boolean {
    this.delete(key);
    const bytes = ENTRY_OVERHEAD + approximateBytes(key) + (this.options.sizeOf ?? approximateBytes)(value);
    if (bytes > this.options.maxBytes) return false;
    const until = ttlMs && ttlMs > 0 ? Date.now() + ttlMs : 0;
    this.entries.set(key, { value, bytes, until });
    this.totalBytes += bytes;
    if (until) this.expiringAdded();
    this.evictPastBounds();
    return true;
  }

  /** Takes the value out: returned once, absent afterwards. */
  take(key: K): V | undefined {
    const value = this.live(key)?.value;
    this.delete(key);
    return value;
  }

  delete(key: K): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
    if (entry.until) this.expiringRemoved();
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
    this.expiring = 0;
    this.stopSweeping();
  }

  /** Drops every expired entry now; returns how many. */
  sweep(now = Date.now()): number {
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (entry.until && entry.until <= now) {
        this.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  private live(key: K): Entry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry?.until && entry.until <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    return entry;
  }

  private evictPastBounds(): void {
    const maxEntries = this.options.maxEntries ?? Infinity;
    // Map iteration is insertion order, and `get` re-inserts: the first key is the least recently used.
    while (this.totalBytes > this.options.maxBytes || this.entries.size > maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) return;
      this.delete(oldest.value);
    }
  }

  private expiringAdded(): void {
    this.expiring++;
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), this.options.sweepIntervalMs ?? DEFAULT_SWEEP_MS);
    this.sweeper.unref();
  }

  private expiringRemoved(): void {
    this.expiring--;
    if (this.expiring === 0) this.stopSweeping();
  }

  private stopSweeping(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
