export * from './errors/app.exception';
export * from './errors/body-parser-errors';
export * from './errors/http-exception.filter';
export * from './validation/validation.pipe';
export * from './rate-limit/rate-limiter';
export * from './rate-limit/rate-limit.module';
export * from './logging/logger.module';
