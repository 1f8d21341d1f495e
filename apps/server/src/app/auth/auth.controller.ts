import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

import type { AuthUser } from './auth-user';
import { CurrentUser, Public } from './auth.decorators';
import { AuthService } from './auth.service';
import { LocalAccountsGuard } from './local-accounts.guard';
import { LoginDto } from './login.dto';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Get('options')
  @ApiOperation({ summary: "How users sign in (local or the host application's tokens) and the demo accounts, if any" })
  options(): Promise<{ mode: 'local' | 'jwt'; demoUsers: string[] }> {
    return this.auth.options();
  }

  @Public()
  @Post('login')
  @UseGuards(LocalAccountsGuard)
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange username and password for an access token' })
  @ApiTooManyRequestsResponse({ description: 'Five failed logins of this username from this address in 15 minutes' })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<{ accessToken: string; user: AuthUser }> {
    // The socket's address; X-Forwarded-For only from a proxy that ONWARD_TRUST_PROXY names (any client can write it).
    return this.auth.login(body.username, body.password, request.ip);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller' })
  me(@CurrentUser() user: AuthUser): Promise<AuthUser> {
    return this.auth.me(user);
  }
}
