export * from './endpoint-breakers';
export * from './failover-stats';
export * from './failover-streamer';
export * from './model-route';
