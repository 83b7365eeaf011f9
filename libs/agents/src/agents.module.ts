import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Agent, Memory } from '#database';
import { DocumentStorageModule } from '#documents';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';
import { MemoryLearningJob } from './memories/memory-learning.job';

@Module({
  imports: [TypeOrmModule.forFeature([Agent, Memory]), DocumentStorageModule],
  controllers: [AgentsController],
  providers: [AgentsService, MemoryLearningJob],
  exports: [AgentsService],
})
export class AgentsModule {}
