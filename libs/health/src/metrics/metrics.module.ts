import { Global, Module } from '@nestjs/common';
import { LlmModule } from '#llm';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** Global: answers, sockets and the HTTP middleware all report here. It reads the LLM endpoints' breakers and failovers. */
@Global()
@Module({ imports: [LlmModule], controllers: [MetricsController], providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
