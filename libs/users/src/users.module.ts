import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '#database';
import { SessionsModule } from '#sessions';
import { AdminBootstrap } from './admin-bootstrap';
import { AdminController } from './admin/admin.controller';
import { AdminService } from './admin/admin.service';
import { UsersService } from './users.service';

/** People: accounts, profile and password, and their administration. */
@Module({
  imports: [TypeOrmModule.forFeature([User]), SessionsModule],
  controllers: [AdminController],
  providers: [UsersService, AdminService, AdminBootstrap],
  exports: [UsersService],
})
export class UsersModule {}
