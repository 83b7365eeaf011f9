export * from './agents.module';
export { PUBLIC_AGENTS_CACHE_KEY, groupAgentsCacheKey } from './agent-catalogue';
export * from './admin/admin-agents.module';
export * from './agents.service';
export * from './memories/memory-learning.job';
