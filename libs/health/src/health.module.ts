import { Module } from '@nestjs/common';
import { LlmModule } from '#llm';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { IdleHeapTrimmer } from './memory/idle-heap-trimmer';

@Module({ imports: [LlmModule], controllers: [HealthController], providers: [HealthService, IdleHeapTrimmer] })
export class HealthModule {}
