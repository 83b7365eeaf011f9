import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { closeRedis, createRedisClient, REDIS } from '#redis';
import { ChatsModule } from '#chats';
import { AnswerContextBuilder } from './generation/answer-context';
import { AnswerStreamService } from './generation/answer-stream.service';
import { ChatEventHub } from './generation/chat-event-hub';
import { GENERATION_EVENTS } from './generation/generation-events';
import { GenerationService } from './generation/generation.service';
import { InterruptedAnswers } from './generation/interrupted-answers';
import { MemoryGenerationEvents } from './generation/memory-generation-events';
import { RedisGenerationEvents } from './generation/redis-generation-events';
import { StreamSlots } from './generation/stream-slots';
import { ChatHistoryController } from './chat-history.controller';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

const EVENTS_SUBSCRIBER = Symbol('EVENTS_SUBSCRIBER');

/** Closes the Redis connection that listens for generation events. */
class SubscriberCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENTS_SUBSCRIBER) private readonly subscriber: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.subscriber) await closeRedis(this.subscriber);
  }
}

@Module({
  imports: [ChatsModule],
  controllers: [MessagesController, ChatHistoryController],
  providers: [
    {
      provide: EVENTS_SUBSCRIBER,
      inject: [APP_CONFIG],
      // Pub/sub needs a connection of its own.
      useFactory: (config: AppConfig) => (config.redisUrl ? createRedisClient(config.redisUrl, 'events') : null),
    },
    {
      provide: GENERATION_EVENTS,
      inject: [REDIS, EVENTS_SUBSCRIBER, APP_CONFIG],
      useFactory: (redis: Redis | null, subscriber: Redis | null, config: AppConfig) =>
        redis && subscriber ? new RedisGenerationEvents(redis, subscriber, config.redisKeyPrefix) : new MemoryGenerationEvents(),
    },
    SubscriberCloser,
    ChatEventHub,
    AnswerContextBuilder,
    GenerationService,
    InterruptedAnswers,
    StreamSlots,
    AnswerStreamService,
    MessagesService,
  ],
  exports: [GENERATION_EVENTS, AnswerStreamService, ChatEventHub, GenerationService, MessagesService],
})
export class MessagesModule {}
