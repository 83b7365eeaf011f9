export * from './redis.module';
export * from './redis-errors';
export * from './cache.module';
export * from './cache-epoch';
export * from './bounded/approximate-bytes';
export * from './bounded/bounded-cache';
