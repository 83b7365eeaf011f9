export * from './memory-realtime-bus';
export * from './realtime-bus';
export * from './realtime-publisher';
export * from './realtime.module';
export * from './redis-realtime-bus';
export * from './rooms';
export * from './socket-events';
