import type { RateLimitRule } from '#common';
import type { AppConfig } from '#config';

/** The one per-user message rate limit: chat sends and OpenAI-compatible completions count against the same window. */
export function messagesRateLimit(userId: number, config: AppConfig): RateLimitRule {
  return { key: `messages:user:${userId}`, limit: config.limits.messagesPerMinute, windowSeconds: 60 };
}
