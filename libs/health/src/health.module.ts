import { Module } from '@nestjs/common';
import { LlmModule } from '#llm';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

@Module({ imports: [LlmModule], controllers: [HealthController], providers: [HealthService] })
export class HealthModule {}
