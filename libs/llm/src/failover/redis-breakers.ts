import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { BreakerLog, WINDOW_BUCKETS } from './breaker-policy';
import type { BreakerSettings } from './breaker-policy';
import type { BreakerState, EndpointBreakers } from './endpoint-breakers';

// Redis's clock, not the instances': their clocks may disagree on when a cool-down ends.
const NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)`;

// KEYS[1] the breaker (open_until, probe_until, consecutive); ARGV[1] the probe lease (ms).
// closed: admitted; open: refused (with the rest of the cool-down); half-open: the first caller takes the probe lease, the others are refused.
const ADMIT = `${NOW}
local open_until, probe_until = unpack(redis.call('HMGET', KEYS[1], 'open_until', 'probe_until'))
open_until = tonumber(open_until or '0')
if open_until == 0 then return {'closed', 0} end
if now < open_until then return {'open', open_until - now} end
probe_until = tonumber(probe_until or '0')
if now < probe_until then return {'busy', probe_until - now} end
redis.call('HSET', KEYS[1], 'probe_until', now + tonumber(ARGV[1]))
return {'probe', 0}`;

// KEYS[1] the breaker, KEYS[2] its window (fields ok:<bucket>, failed:<bucket>). ARGV: the outcome (ok, failed),
// consecutive failures, failure percent, min requests, cool-down ms, bucket ms, buckets, the breaker's TTL ms.
const OUTCOME = `${NOW}
local outcome, consecutive_failures, percent, min_requests = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local cooldown, bucket_ms, buckets, ttl = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local open_until = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
if open_until ~= 0 then
  -- Before the cool-down ends, outcomes are those of calls made before it opened: only a probe decides.
  if now < open_until then return {'open'} end
  if outcome == 'ok' then
    redis.call('DEL', KEYS[1], KEYS[2])
    return {'closed_now'}
  end
  redis.call('HSET', KEYS[1], 'open_until', now + cooldown)
  redis.call('HDEL', KEYS[1], 'probe_until')
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {'reopened'}
end
local failed, total = 0, 0
if percent > 0 then
  local current = math.floor(now / bucket_ms)
  -- A new bucket drops those out of the window; a failure counts the window.
  if redis.call('HINCRBY', KEYS[2], outcome .. ':' .. current, 1) == 1 or outcome == 'failed' then
    local fields = redis.call('HGETALL', KEYS[2])
    for i = 1, #fields, 2 do
      local name, bucket = string.match(fields[i], '^(%a+):(%d+)$')
      if tonumber(bucket) <= current - buckets then
        redis.call('HDEL', KEYS[2], fields[i])
      else
        total = total + tonumber(fields[i + 1])
        if name == 'failed' then failed = failed + tonumber(fields[i + 1]) end
      end
    end
  end
  redis.call('PEXPIRE', KEYS[2], bucket_ms * (buckets + 1))
end
if outcome == 'ok' then
  redis.call('HDEL', KEYS[1], 'consecutive')
  return {'closed'}
end
local consecutive = redis.call('HINCRBY', KEYS[1], 'consecutive', 1)
redis.call('PEXPIRE', KEYS[1], ttl)
local opened
if consecutive >= consecutive_failures then
  opened = {'opened', consecutive}
elseif percent > 0 and total >= min_requests and failed * 100 >= percent * total then
  opened = {'opened', 0, failed, total}
end
if not opened then return {'closed'} end
redis.call('DEL', KEYS[2])
redis.call('HDEL', KEYS[1], 'consecutive', 'probe_until')
redis.call('HSET', KEYS[1], 'open_until', now + cooldown)
return opened`;

// KEYS: the breakers.
const STATES = `${NOW}
local states = {}
for i, key in ipairs(KEYS) do
  local open_until = tonumber(redis.call('HGET', key, 'open_until') or '0')
  if open_until == 0 then states[i] = 'closed' elseif now < open_until then states[i] = 'open' else states[i] = 'half_open' end
end
return states`;

/**
 * A closed breaker is trusted this long without asking Redis, so admit() on a
 * healthy endpoint costs no round trip at most calls; an endpoint another
 * instance found dead is skipped here at most this much later. (An open one is
 * trusted until its cool-down ends: nothing closes it before.)
 */
export const CLOSED_CACHE_MS = 250;

// Long after any cool-down, so consecutive failures spread over quiet hours still count; refreshed on each failure.
const BREAKER_TTL_MS = 24 * 3600_000;
const WARN_EVERY_MS = 60_000;
// After Redis failed to answer, it is left alone this long: a hung Redis would otherwise add its 2 s timeout to every call.
const RETRY_REDIS_AFTER_MS = 5000;

/**
 * The breakers shared by every instance through Redis (keys `${prefix}<endpoint>`
 * and `…:window`): each outcome is one atomic script, so concurrent failures on
 * several instances count once each, exactly one instance logs an opening or a
 * closing, and exactly one caller in the cluster holds a half-open probe.
 * Times are Redis's. While Redis cannot answer, every call is admitted and
 * outcomes are not counted (a warning a minute says so).
 */
export class RedisBreakers implements EndpointBreakers {
  private readonly log = new BreakerLog();
  private readonly logger = new Logger('EndpointBreakers');
  private readonly bucketMs: number;
  /** What this instance last learnt of each breaker, trusted until `until` (local clock). */
  private readonly known = new Map<string, { admit: boolean; until: number }>();
  private lastWarned = 0;
  private skipRedisUntil = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly settings: BreakerSettings,
  ) {
    this.bucketMs = Math.ceil((settings.windowSeconds * 1000) / WINDOW_BUCKETS);
  }

  async admit(endpoint: string): Promise<boolean> {
    const known = this.known.get(endpoint);
    if (known && Date.now() < known.until) return known.admit;
    if (Date.now() < this.skipRedisUntil) return true;
    try {
      const [verdict, remainingMs] = (await this.redis.eval(ADMIT, 1, this.key(endpoint), this.settings.probeLeaseMs)) as [string, number];
      if (verdict === 'probe') {
        this.known.delete(endpoint);
        return true;
      }
      const admit = verdict === 'closed';
      this.remember(endpoint, admit, admit ? CLOSED_CACHE_MS : verdict === 'busy' ? Math.min(remainingMs, CLOSED_CACHE_MS) : remainingMs);
      return admit;
    } catch (error) {
      this.unreachable(error);
      return true;
    }
  }

  succeeded(endpoint: string): Promise<void> {
    return this.report(endpoint, 'ok');
  }

  failed(endpoint: string): Promise<void> {
    return this.report(endpoint, 'failed');
  }

  /** As admit() sees them: all `closed` while Redis cannot answer. */
  async states(endpoints: string[]): Promise<Record<string, BreakerState>> {
    let states: BreakerState[] = endpoints.map(() => 'closed');
    if (endpoints.length > 0 && Date.now() >= this.skipRedisUntil) {
      try {
        states = (await this.redis.eval(STATES, endpoints.length, ...endpoints.map((endpoint) => this.key(endpoint)))) as BreakerState[];
      } catch (error) {
        this.unreachable(error);
      }
    }
    return Object.fromEntries(endpoints.map((endpoint, i) => [endpoint, states[i]]));
  }

  private async report(endpoint: string, outcome: 'ok' | 'failed'): Promise<void> {
    const { consecutiveFailures, failurePercent, minRequests, cooldownSeconds } = this.settings;
    const cooldownMs = cooldownSeconds * 1000;
    let result: [string, number?, number?, number?];
    if (Date.now() < this.skipRedisUntil) return;
    try {
      result = (await this.redis.eval(
        OUTCOME,
        2,
        this.key(endpoint),
        `${this.key(endpoint)}:window`,
        outcome,
        consecutiveFailures,
        failurePercent,
        minRequests,
        cooldownMs,
        this.bucketMs,
        WINDOW_BUCKETS,
        BREAKER_TTL_MS + cooldownMs,
      )) as typeof result;
    } catch (error) {
      this.unreachable(error);
      return;
    }
    const [transition, consecutive = 0, failed = 0, total = 0] = result;
    if (transition === 'opened') {
      this.remember(endpoint, false, cooldownMs);
      this.log.opened(endpoint, consecutive > 0 ? { consecutive } : { failed, total }, cooldownSeconds);
    } else if (transition === 'reopened') {
      this.remember(endpoint, false, cooldownMs);
      this.log.reopened(endpoint, cooldownSeconds);
    } else if (transition === 'closed_now') {
      this.remember(endpoint, true, CLOSED_CACHE_MS);
      this.log.closed(endpoint);
    }
  }

  private remember(endpoint: string, admit: boolean, forMs: number): void {
    this.known.set(endpoint, { admit, until: Date.now() + forMs });
  }

  private unreachable(error: unknown): void {
    this.skipRedisUntil = Date.now() + RETRY_REDIS_AFTER_MS;
    if (Date.now() - this.lastWarned < WARN_EVERY_MS) return;
    this.lastWarned = Date.now();
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(`Circuit breakers cannot reach Redis (${reason}): every endpoint is admitted meanwhile`);
  }

  private key(endpoint: string): string {
    return `${this.prefix}${endpoint}`;
  }
}
