export * from './health.module';
export * from './metrics/http-metrics.middleware';
export * from './metrics/metrics.module';
export * from './metrics/metrics.service';
