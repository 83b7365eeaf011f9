import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '../../../libs/config/src';
import { DatabaseModule } from '../../../libs/database/src';
import { UsersService } from '../../api/src/users/users.service';

/** Just what operator commands need: configuration, database, users. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule],
      providers: [UsersService],
    };
  }
}
