export interface IdleTrimSettings {
  /** Checks in a row the event loop must have been this idle (0..1 of the time busy) before a collection. */
  quietChecks: number;
  maxBusyRatio: number;
  /**
   * Heap size past which a quiet process collects its garbage. Not "heap held
   * beyond its use": V8 counts dead objects as used until it collects them, so
   * a heap grown under load can read 300 of 327 MB used with some 65 MB alive.
   */
  minHeapBytes: number;
  /** Collections per quiet period: a second one returns what the first left fragmented. */
  maxCollections: number;
}

export interface IdleTrimReading {
  /** The share of the last interval the event loop was busy (event loop utilisation). */
  busyRatio: number;
  heapTotalBytes: number;
}

/**
 * Decides, from readings taken at a fixed interval, when a quiet process
 * should collect its garbage: only once it has been idle for a while (never
 * under load, where a forced collection would cost latency), only while its
 * heap is large, and a bounded number of times per quiet
 * period (an idle process does not collect at every check).
 */
export class IdleTrimPolicy {
  private quiet = 0;
  private collections = 0;

  constructor(private readonly settings: IdleTrimSettings) {}

  shouldCollect(reading: IdleTrimReading): boolean {
    if (reading.busyRatio > this.settings.maxBusyRatio) {
      this.quiet = 0;
      this.collections = 0;
      return false;
    }
    this.quiet++;
    return (
      this.quiet >= this.settings.quietChecks &&
      this.collections < this.settings.maxCollections &&
      reading.heapTotalBytes > this.settings.minHeapBytes
    );
  }

  collected(): void {
    this.collections++;
    this.quiet = 0;
  }
}
