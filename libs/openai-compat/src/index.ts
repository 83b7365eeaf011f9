export * from './openai-compat.module';
export { OPENAI_COMPAT_TAG } from './openai-compat.decorators';
export { SAVE_CHAT_HEADER, CHAT_ID_HEADER } from './save-chat.header';
