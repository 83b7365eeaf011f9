import { Injectable } from '@nestjs/common';
import { NotFoundError, toPage } from '#common';
import type { Page } from '#common';
import { BudgetsRepository } from '#database';
import type { BudgetLimits, BudgetOwner } from '#database';
import { AuditLog } from '#audit';
import type { AuditActor, AuditTarget } from '#audit';
import { BudgetResponse, ListBudgetsQuery, presentBudget, SetBudgetDto } from './dto/budget.dto';

const NOT_FOUND: Record<'user' | 'group', string> = { user: 'User not found', group: 'Group not found' };

/** Admin management of budgets; every change is audited (budget.set, budget.delete). */
@Injectable()
export class BudgetsService {
  constructor(
    private readonly budgets: BudgetsRepository,
    private readonly audit: AuditLog,
  ) {}

  async list(query: ListBudgetsQuery): Promise<Page<BudgetResponse>> {
    const rows = await this.budgets.list({ limit: query.limit + 1, before: query.before });
    return toPage(rows, query.limit, presentBudget, (budget) => budget.id);
  }

  async set(actor: AuditActor, owner: BudgetOwner, body: SetBudgetDto): Promise<BudgetResponse> {
    const target = await this.auditTarget(owner);
    const limits: BudgetLimits = {
      tokens_per_day: body.tokens_per_day ?? null,
      tokens_per_month: body.tokens_per_month ?? null,
      messages_per_day: body.messages_per_day ?? null,
    };
    const saved = await this.budgets.save(owner, limits);
    await this.audit.record({ action: 'budget.set', actor, target, details: { scope: owner.scope, ...limits } });
    return presentBudget(saved);
  }

  async remove(actor: AuditActor, owner: BudgetOwner): Promise<void> {
    const target = await this.auditTarget(owner);
    const removed = await this.budgets.remove(owner);
    if (!removed) throw new NotFoundError('Budget not found');
    const { tokens_per_day, tokens_per_month, messages_per_day } = removed;
    await this.audit.record({
      action: 'budget.delete',
      actor,
      target,
      details: { scope: owner.scope, tokens_per_day, tokens_per_month, messages_per_day },
    });
  }

  /** The audited target: the user or group the budget belongs to (404 when there is none), or the default budget. */
  private async auditTarget(owner: BudgetOwner): Promise<AuditTarget> {
    if (owner.scope === 'default') return { type: 'budget', id: 'default', label: 'Default budget' };
    const label = await this.budgets.ownerLabel(owner);
    if (label === null) throw new NotFoundError(NOT_FOUND[owner.scope]);
    return { type: owner.scope, id: owner.id, label };
  }
}
