export * from './chat-title.job';
export * from './chats.module';
export * from './chats.service';
export * from './chat.presenter';
export * from './search/message-search.service';
export * from './search/message-index.job';
export * from './search/search.module';
