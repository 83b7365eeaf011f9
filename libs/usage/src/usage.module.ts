import { Module } from '@nestjs/common';
import { UsageLedger } from './usage-ledger';

@Module({
  providers: [UsageLedger],
  exports: [UsageLedger],
})
export class UsageModule {}
