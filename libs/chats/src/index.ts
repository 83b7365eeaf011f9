export * from './chat-title.job';
export * from './chats.module';
export * from './chats.service';
export * from './chat.presenter';
