import { Body, Controller, Headers, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/auth.decorators';
import { ChangePasswordDto } from './dto/change-password.dto';
import { LocalAccountsGuard } from '../auth/local-accounts.guard';
import { UsersService } from './users.service';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/auth/password')
export class PasswordController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(204)
  @UseGuards(LocalAccountsGuard)
  @ApiOperation({ summary: "Change the caller's password; this token goes on, their other sessions end within 60 s" })
  change(
    @CurrentUser() user: AuthUser,
    @Headers('authorization') authorization: string,
    @Body() body: ChangePasswordDto,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    // The guard has checked the header; its token is the session that goes on.
    return this.users.changePassword(
      user,
      authorization.slice('Bearer '.length),
      request.ip,
      body.currentPassword,
      body.newPassword,
    );
  }
}
