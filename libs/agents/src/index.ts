export * from './agents.module';
export * from './agents.service';
export * from './memories/memory-learning.job';
