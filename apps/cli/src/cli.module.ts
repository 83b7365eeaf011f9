import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '#config';
import { DatabaseModule } from '#database';
import { RedisModule } from '#redis';
import { UsersModule } from '#users';

/** Just what operator commands need: configuration, database, users. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, RedisModule, UsersModule],
    };
  }
}
