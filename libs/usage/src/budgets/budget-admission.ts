import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TooManyRequestsError } from '#common';
import { BUDGET_LIMITS, BudgetsRepository } from '#database';
import type { AdmissionGuard, UserUsage } from '#database';
import { effectiveLimits, EffectiveLimits, isoSeconds, refusal, resetOf, usageWindows, UsageWindows, usedOf } from './budget-rules';
import type { MyUsageResponse } from './dto/my-usage.dto';

const unlimited = (limits: EffectiveLimits) => BUDGET_LIMITS.every((limit) => limits[limit].limit === null);

/** A user's limits and what they used, at one instant. */
interface Standing {
  limits: EffectiveLimits;
  usage: UserUsage;
  windows: UsageWindows;
}

/**
 * Holds users to their budgets: refuses an answer that would exceed one, and
 * reports usage against them. Called with the transaction that holds the
 * user's lock and inserts the answer (MessagesRepository), the check is atomic
 * across instances: concurrent sends take turns, each counting the others'.
 */
@Injectable()
export class BudgetAdmission {
  constructor(private readonly budgets: BudgetsRepository) {}

  /**
   * Throws TooManyRequestsError (Retry-After: until the window resets) when one
   * more answer with this prompt would exceed a budget; else returns the limits
   * that apply, for the binding check to reuse (see `guard`).
   */
  async check(userId: number, promptTokens: number, manager?: EntityManager, known?: EffectiveLimits): Promise<EffectiveLimits> {
    const now = new Date();
    const limits = known ?? effectiveLimits(await this.budgets.applicableTo(userId, manager));
    // Without any limit there is nothing to count.
    if (unlimited(limits)) return limits;
    const windows = usageWindows(now);
    const refused = refusal(limits, await this.budgets.usage(userId, windows, manager), promptTokens, windows);
    if (refused) throw new TooManyRequestsError((refused.resetsAt.getTime() - now.getTime()) / 1000, refused.detail);
    return limits;
  }

  /**
   * The binding check, run in the transaction that holds the user's lock and
   * inserts the answer, with the limits the quick check found a moment before
   * (what is counted is read again; what is allowed, an admin's setting, is not):
   * none when nothing is limited, so an unlimited send pays no query for it.
   */
  guard(userId: number, promptTokens: number, limits: EffectiveLimits): AdmissionGuard | undefined {
    if (unlimited(limits)) return undefined;
    return async (manager) => {
      await this.check(userId, promptTokens, manager, limits);
    };
  }

  /** GET /api/me/usage: today's and this month's usage, and each limit with what remains of it. */
  async report(userId: number): Promise<MyUsageResponse> {
    const { limits, usage, windows } = await this.standing(userId);
    const limitReport = (limit: (typeof BUDGET_LIMITS)[number]) => {
      const { limit: cap, source } = limits[limit];
      const used = usedOf(limit, usage);
      return {
        limit: cap,
        used,
        remaining: cap === null ? null : Math.max(0, cap - used),
        resets_at: isoSeconds(resetOf(limit, windows)),
        source: source?.scope ?? null,
        source_id: source?.id ?? null,
      };
    };
    return {
      today: { ...usage.day, resets_at: isoSeconds(windows.dayResetsAt) },
      this_month: { ...usage.month, resets_at: isoSeconds(windows.monthResetsAt) },
      limits: {
        tokens_per_day: limitReport('tokens_per_day'),
        tokens_per_month: limitReport('tokens_per_month'),
        messages_per_day: limitReport('messages_per_day'),
      },
    };
  }

  private async standing(userId: number): Promise<Standing> {
    const windows = usageWindows(new Date());
    const [budgets, usage] = await Promise.all([this.budgets.applicableTo(userId), this.budgets.usage(userId, windows)]);
    return { limits: effectiveLimits(budgets), usage, windows };
  }
}
