import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '#auth';
import { ApiBodyErrors, ApiErrors, ApiIdParams, ApiQueryErrors, Authenticated, CurrentUser, IdPipe } from '#common';
import type { Page } from '#common';
import { BudgetsService } from './budgets.service';
import { BudgetPage, BudgetResponse, ListBudgetsQuery, SetBudgetDto } from './dto/budget.dto';

const RULE = "A user's limit is the most generous set by their own budget or any of their groups'; else the default's; else none.";

@ApiTags('admin')
@Authenticated({ admin: true })
@Controller('admin/budgets')
export class BudgetsController {
  constructor(private readonly budgets: BudgetsService) {}

  @Get()
  @ApiOkResponse({ type: BudgetPage })
  @ApiOperation({ summary: 'List budgets' })
  @ApiQueryErrors()
  list(@Query() query: ListBudgetsQuery): Promise<Page<BudgetResponse>> {
    return this.budgets.list(query);
  }

  @Put('default')
  @ApiOkResponse({ type: BudgetResponse })
  @ApiOperation({ summary: "Set the default budget (everyone's limits when neither their own nor a group's sets them)", description: RULE })
  @ApiBodyErrors()
  setDefault(@CurrentUser() actor: AuthUser, @Body() body: SetBudgetDto): Promise<BudgetResponse> {
    return this.budgets.set(actor, { scope: 'default' }, body);
  }

  @Put('users/:id')
  @ApiOkResponse({ type: BudgetResponse })
  @ApiOperation({ summary: "Set a user's budget", description: RULE })
  @ApiBodyErrors()
  @ApiErrors(404)
  @ApiIdParams('id')
  setForUser(@CurrentUser() actor: AuthUser, @Param('id', IdPipe) id: number, @Body() body: SetBudgetDto): Promise<BudgetResponse> {
    return this.budgets.set(actor, { scope: 'user', id }, body);
  }

  @Put('groups/:id')
  @ApiOkResponse({ type: BudgetResponse })
  @ApiOperation({ summary: "Set a group's budget (each member's limit is the most generous of their own and their groups')", description: RULE })
  @ApiBodyErrors()
  @ApiErrors(404)
  @ApiIdParams('id')
  setForGroup(@CurrentUser() actor: AuthUser, @Param('id', IdPipe) id: number, @Body() body: SetBudgetDto): Promise<BudgetResponse> {
    return this.budgets.set(actor, { scope: 'group', id }, body);
  }

  @Delete('default')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiOperation({ summary: 'Remove the default budget' })
  @ApiErrors({ 404: 'No default budget.' })
  removeDefault(@CurrentUser() actor: AuthUser): Promise<void> {
    return this.budgets.remove(actor, { scope: 'default' });
  }

  @Delete('users/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiOperation({ summary: "Remove a user's budget" })
  @ApiErrors({ 404: 'No such user, or the user has no budget.' })
  @ApiIdParams('id')
  removeForUser(@CurrentUser() actor: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.budgets.remove(actor, { scope: 'user', id });
  }

  @Delete('groups/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiOperation({ summary: "Remove a group's budget" })
  @ApiErrors({ 404: 'No such group, or the group has no budget.' })
  @ApiIdParams('id')
  removeForGroup(@CurrentUser() actor: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.budgets.remove(actor, { scope: 'group', id });
  }
}
