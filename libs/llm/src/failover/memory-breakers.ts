import { BreakerLog, WINDOW_BUCKETS } from './breaker-policy';
import type { BreakerSettings, OpenReason } from './breaker-policy';
import type { BreakerState, EndpointBreakers } from './endpoint-breakers';

interface Breaker {
  consecutive: number;
  /** Outcomes per bucket (Math.floor(time / bucket length)), for the failure-percent rule. */
  buckets: Map<number, { ok: number; failed: number }>;
  /** 0 while closed; the end of the cool-down once open (half-open after it). */
  openUntil: number;
  /** Until when the current half-open probe holds its turn. */
  probeUntil: number;
}

/**
 * The breakers of a single instance (no Redis), in memory. The same rules as
 * RedisBreakers: see there and BreakerConfig.
 */
export class MemoryBreakers implements EndpointBreakers {
  private readonly breakers = new Map<string, Breaker>();
  private readonly log = new BreakerLog();
  private readonly bucketMs: number;

  constructor(private readonly settings: BreakerSettings) {
    this.bucketMs = Math.ceil((settings.windowSeconds * 1000) / WINDOW_BUCKETS);
  }

  admit(endpoint: string): Promise<boolean> {
    const breaker = this.breakers.get(endpoint);
    const now = Date.now();
    if (!breaker || breaker.openUntil === 0) return Promise.resolve(true);
    if (now < breaker.openUntil || now < breaker.probeUntil) return Promise.resolve(false);
    breaker.probeUntil = now + this.settings.probeLeaseMs;
    return Promise.resolve(true);
  }

  succeeded(endpoint: string): Promise<void> {
    const breaker = this.breaker(endpoint);
    const now = Date.now();
    if (breaker.openUntil === 0) {
      breaker.consecutive = 0;
      this.count(breaker, now, 'ok');
    } else if (now >= breaker.openUntil) {
      this.breakers.delete(endpoint);
      this.log.closed(endpoint);
    } // else a call from before it opened: only a probe closes it
    return Promise.resolve();
  }

  failed(endpoint: string): Promise<void> {
    const breaker = this.breaker(endpoint);
    const now = Date.now();
    const { cooldownSeconds } = this.settings;
    if (breaker.openUntil !== 0) {
      if (now < breaker.openUntil) return Promise.resolve(); // a call from before it opened
      Object.assign(breaker, { openUntil: now + cooldownSeconds * 1000, probeUntil: 0 });
      this.log.reopened(endpoint, cooldownSeconds);
      return Promise.resolve();
    }
    breaker.consecutive += 1;
    this.count(breaker, now, 'failed');
    const reason = this.openReason(breaker, now);
    if (reason) {
      this.breakers.set(endpoint, { consecutive: 0, buckets: new Map(), openUntil: now + cooldownSeconds * 1000, probeUntil: 0 });
      this.log.opened(endpoint, reason, cooldownSeconds);
    }
    return Promise.resolve();
  }

  states(endpoints: string[]): Promise<Record<string, BreakerState>> {
    const now = Date.now();
    const state = (endpoint: string): BreakerState => {
      const openUntil = this.breakers.get(endpoint)?.openUntil ?? 0;
      return openUntil === 0 ? 'closed' : now < openUntil ? 'open' : 'half_open';
    };
    return Promise.resolve(Object.fromEntries(endpoints.map((endpoint) => [endpoint, state(endpoint)])));
  }

  private breaker(endpoint: string): Breaker {
    let breaker = this.breakers.get(endpoint);
    if (!breaker) {
      breaker = { consecutive: 0, buckets: new Map(), openUntil: 0, probeUntil: 0 };
      this.breakers.set(endpoint, breaker);
    }
    return breaker;
  }

  /** Counts an outcome in its bucket and forgets the buckets out of the window. */
  private count(breaker: Breaker, now: number, outcome: 'ok' | 'failed'): void {
    if (this.settings.failurePercent === 0) return;
    const current = Math.floor(now / this.bucketMs);
    for (const bucket of breaker.buckets.keys()) if (bucket <= current - WINDOW_BUCKETS) breaker.buckets.delete(bucket);
    const counts = breaker.buckets.get(current) ?? { ok: 0, failed: 0 };
    counts[outcome] += 1;
    breaker.buckets.set(current, counts);
  }

  private openReason(breaker: Breaker, now: number): OpenReason | undefined {
    const { consecutiveFailures, failurePercent, minRequests } = this.settings;
    if (breaker.consecutive >= consecutiveFailures) return { consecutive: breaker.consecutive };
    if (failurePercent === 0) return undefined;
    const oldest = Math.floor(now / this.bucketMs) - WINDOW_BUCKETS;
    let [failed, total] = [0, 0];
    for (const [bucket, counts] of breaker.buckets) {
      if (bucket <= oldest) continue;
      failed += counts.failed;
      total += counts.ok + counts.failed;
    }
    return total >= minRequests && failed * 100 >= failurePercent * total ? { failed, total } : undefined;
  }
}
