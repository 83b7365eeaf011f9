export * from './api-keys.module';
export * from './api-keys.service';
export * from './api-key-authenticator';
export { ApiKeySettings } from './api-key-settings';
export * from './api-key.guard';
export * from './api-key-principal';
export { API_KEY_PREFIX, API_KEYS_ONLY_ON_V1, isApiKeyToken } from './api-key-token';
