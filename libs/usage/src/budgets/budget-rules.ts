import { BUDGET_LIMITS } from '#database';
import type { Budget, BudgetLimit, BudgetScope, UserUsage } from '#database';

/** Where a user's effective limit comes from: the budget that sets it. */
export interface LimitSource {
  scope: BudgetScope;
  /** The user's or group's id; null for the default. */
  id: number | null;
}

export interface EffectiveLimit {
  /** Null: unlimited (no budget sets it). */
  limit: number | null;
  source: LimitSource | null;
}

export type EffectiveLimits = Record<BudgetLimit, EffectiveLimit>;

/** The UTC windows budgets count in: the day from 00:00 UTC, the month from the 1st at 00:00 UTC. */
export interface UsageWindows {
  day: Date;
  month: Date;
  dayResetsAt: Date;
  monthResetsAt: Date;
}

export function usageWindows(now: Date): UsageWindows {
  const [year, month, date] = [now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()];
  return {
    day: new Date(Date.UTC(year, month, date)),
    month: new Date(Date.UTC(year, month, 1)),
    dayResetsAt: new Date(Date.UTC(year, month, date + 1)),
    monthResetsAt: new Date(Date.UTC(year, month + 1, 1)),
  };
}

const sourceOf = (budget: Budget): LimitSource => ({
  scope: budget.scope,
  id: budget.scope === 'user' ? budget.user_id : budget.scope === 'group' ? budget.group_id : null,
});

/**
 * A user's limit, per dimension: the most generous (largest) value set by the
 * user's own budget or any of their groups' budgets; when none of those sets
 * it, the default budget's value; when that is unset too, unlimited. A user's
 * own budget thus lifts a group's cap but cannot lower one (nor can a group
 * lower another's): to hold a user below their group, leave it to the default.
 */
export function effectiveLimits(budgets: Budget[]): EffectiveLimits {
  const personal = budgets.filter((budget) => budget.scope !== 'default');
  // The user's own first: on a tie it is the one named as the source.
  personal.sort((a, b) => Number(b.scope === 'user') - Number(a.scope === 'user'));
  const fallback = budgets.find((budget) => budget.scope === 'default');
  const limits = {} as EffectiveLimits;
  for (const dimension of BUDGET_LIMITS) {
    let chosen: Budget | undefined;
    for (const budget of personal) {
      const value = budget[dimension];
      if (value !== null && (chosen === undefined || value > chosen[dimension]!)) chosen = budget;
    }
    if (!chosen && fallback && fallback[dimension] !== null) chosen = fallback;
    limits[dimension] = chosen ? { limit: chosen[dimension], source: sourceOf(chosen) } : { limit: null, source: null };
  }
  return limits;
}

const DIMENSIONS: Record<BudgetLimit, { name: string; unit: string; window: 'day' | 'month'; used: (usage: UserUsage) => number }> = {
  messages_per_day: { name: 'Daily message budget', unit: 'messages', window: 'day', used: (usage) => usage.day.messages },
  tokens_per_day: { name: 'Daily token budget', unit: 'tokens', window: 'day', used: (usage) => usage.day.tokens },
  tokens_per_month: { name: 'Monthly token budget', unit: 'tokens', window: 'month', used: (usage) => usage.month.tokens },
};

export interface BudgetRefusal {
  limit: BudgetLimit;
  detail: string;
  resetsAt: Date;
}

/** An instant as the API writes it: ISO 8601 in UTC, whole seconds. */
export const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function resetOf(limit: BudgetLimit, windows: UsageWindows): Date {
  return DIMENSIONS[limit].window === 'day' ? windows.dayResetsAt : windows.monthResetsAt;
}

export function usedOf(limit: BudgetLimit, usage: UserUsage): number {
  return DIMENSIONS[limit].used(usage);
}

/**
 * The first budget one more answer would exceed: one more message, and its
 * prompt's tokens (the answer's own tokens are not known before it runs; so an
 * admitted answer may end past a token budget by at most its completion).
 * Null when every budget has room.
 */
export function refusal(limits: EffectiveLimits, usage: UserUsage, promptTokens: number, windows: UsageWindows): BudgetRefusal | null {
  for (const limit of ['messages_per_day', 'tokens_per_day', 'tokens_per_month'] as const) {
    const { limit: cap } = limits[limit];
    if (cap === null) continue;
    const { name, unit } = DIMENSIONS[limit];
    const used = usedOf(limit, usage);
    const needed = limit === 'messages_per_day' ? 1 : promptTokens;
    if (used + needed <= cap) continue;
    const resetsAt = resetOf(limit, windows);
    const state =
      used >= cap
        ? `${name} reached: ${used} of ${cap} ${unit} used`
        : `${name} would be exceeded: ${used} of ${cap} ${unit} used and this message needs about ${needed}`;
    return { limit, resetsAt, detail: `${state}; resets at ${isoSeconds(resetsAt)}` };
  }
  return null;
}
