import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { UserEntity } from '../auth/user.entity';
import { AdminUsersController } from './admin-users.controller';
import { PasswordController } from './password.controller';
import { UsersService } from './users.service';

/** Onward's own user accounts: the admins' user list and edits, password changes, the start-up admin. */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  controllers: [AdminUsersController, PasswordController],
  providers: [UsersService],
})
export class UsersModule {}
