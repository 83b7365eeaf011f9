import { Injectable } from '@nestjs/common';

/**
 * What this instance saw of each endpoint since it started, for /metrics
 * (#health reads it at scrape time): calls that failed in a way that counts
 * against its breaker, and requests that moved away from it to another target.
 */
@Injectable()
export class FailoverStats {
  private readonly failovers = new Map<string, number>();
  private readonly failures = new Map<string, number>();

  failedOver(endpoint: string): void {
    this.failovers.set(endpoint, (this.failovers.get(endpoint) ?? 0) + 1);
  }

  failure(endpoint: string): void {
    this.failures.set(endpoint, (this.failures.get(endpoint) ?? 0) + 1);
  }

  snapshot(): { failovers: Record<string, number>; failures: Record<string, number> } {
    return { failovers: Object.fromEntries(this.failovers), failures: Object.fromEntries(this.failures) };
  }
}
