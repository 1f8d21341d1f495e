import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';

import type { AuthUser } from './auth-user';
import { CurrentUser, Public } from './auth.decorators';
import { AuthService } from './auth.service';
import { LocalAuthOnlyGuard } from './local-auth-only.guard';
import { LoginDto } from './login.dto';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Get('options')
  @ApiOperation({ summary: "How users sign in (local or the host application's tokens) and the demo accounts, if any" })
  options(): { mode: 'local' | 'jwt'; demoUsers: string[] } {
    return this.auth.options();
  }

  @Public()
  @Post('login')
  @UseGuards(LocalAuthOnlyGuard)
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange username and password for an access token' })
  login(@Body() body: LoginDto): Promise<{ accessToken: string; user: AuthUser }> {
    return this.auth.login(body.username, body.password);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller' })
  me(@CurrentUser() user: AuthUser): Promise<AuthUser> {
    return this.auth.me(user);
  }
}
