import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '#auth';
import { Authenticated, CurrentUser } from '#common';
import { BudgetAdmission } from './budget-admission';
import { MyUsageResponse } from './dto/my-usage.dto';

@ApiTags('usage')
@Controller('me/usage')
export class MyUsageController {
  constructor(private readonly admission: BudgetAdmission) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: MyUsageResponse })
  @ApiOperation({
    summary: 'My usage today and this month, and what remains of each budget',
    description: 'Windows are UTC. Answers still streaming count as one message each and their prompt tokens.',
  })
  usage(@CurrentUser() user: AuthUser): Promise<MyUsageResponse> {
    return this.admission.report(user.id);
  }
}
