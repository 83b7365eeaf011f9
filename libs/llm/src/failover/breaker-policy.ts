import { Logger } from '@nestjs/common';
import type { AppConfig, BreakerConfig } from '#config';

/** The failure-percent window is counted in this many buckets: it covers the last LLM_BREAKER_WINDOW to a tenth. */
export const WINDOW_BUCKETS = 10;

/** What a breaker needs: LLM_BREAKER_* and how long a half-open probe may stay silent before another caller probes. */
export interface BreakerSettings extends BreakerConfig {
  /** A probe reports at its first token or fails by LLM_FIRST_TOKEN_TIMEOUT; one that never reports (a crash) frees its turn after this. */
  probeLeaseMs: number;
}

export function breakerSettings(config: AppConfig): BreakerSettings {
  return { ...config.llm.breaker, probeLeaseMs: (config.llm.firstTokenTimeoutSeconds + 10) * 1000 };
}

/** Why a breaker opened: the consecutive-failures rule, or the failure-percent one over the window. */
export type OpenReason = { consecutive: number } | { failed: number; total: number };

/** The lines an operator sees: once per opening and once per closing, naming the endpoint (never its URL or key). */
export class BreakerLog {
  private readonly logger = new Logger('EndpointBreakers');

  opened(endpoint: string, reason: OpenReason, cooldownSeconds: number): void {
    const why =
      'consecutive' in reason
        ? `${reason.consecutive} consecutive failures`
        : `${reason.failed} of the last ${reason.total} calls failed`;
    this.logger.warn(`LLM endpoint "${endpoint}": circuit breaker opened after ${why}; no calls for ${cooldownSeconds} s, then one probe`);
  }

  reopened(endpoint: string, cooldownSeconds: number): void {
    this.logger.debug(`LLM endpoint "${endpoint}": the probe failed; open again for ${cooldownSeconds} s`);
  }

  closed(endpoint: string): void {
    this.logger.log(`LLM endpoint "${endpoint}": the probe succeeded; circuit breaker closed`);
  }
}
