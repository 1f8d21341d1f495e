import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';

import { AdminOnly } from '../auth/auth.decorators';
import { NotFoundError } from '../common/domain-errors';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { LocalAccountsGuard } from '../auth/local-accounts.guard';
import { type AdminUserView, UsersService } from './users.service';

/** User ids are UUIDs: anything else names no user. */
const UserId = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('User not found') });

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('api/admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'Every user, by username' })
  list(): Promise<AdminUserView[]> {
    return this.users.list();
  }

  @Post()
  @HttpCode(201)
  @UseGuards(LocalAccountsGuard)
  @ApiOperation({ summary: 'Create a local user (409 for a username in use)' })
  create(@Body() body: CreateUserDto): Promise<AdminUserView> {
    return this.users.create(body);
  }

  @Patch(':id')
  @UseGuards(LocalAccountsGuard)
  @ApiOperation({ summary: "Change a user's name, password, roles or disabled flag (409 for the last enabled admin)" })
  update(@Param('id', UserId) id: string, @Body() body: UpdateUserDto): Promise<AdminUserView> {
    return this.users.update(id, body);
  }
}
