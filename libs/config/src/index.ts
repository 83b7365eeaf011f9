export * from './app-config';
export * from './config.module';
export * from './dev-secret';
export * from './env-parsers';
export * from './process-env';
export * from './secret-strength';
export * from './redact-url';
export * from './startup-error';
