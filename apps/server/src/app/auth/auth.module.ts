import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createSecretKey } from 'node:crypto';

import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { AccountChecks } from './account-checks';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginThrottle } from './login-throttle';
import { DemoIdpController } from './demo-idp.controller';
import { HostTokenVerifier } from './host-token.verifier';
import { HostUsers } from './host-users.service';
import { UserEntity } from './user.entity';

@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity]),
    JwtModule.registerAsync({
      inject: [ONWARD_CONFIG],
      // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse it as
      // a public key on every verify, which cost ~1.5 ms of CPU per request.
      useFactory: (config: OnwardConfig) => ({
        secret: createSecretKey(Buffer.from(config.jwtSecret)),
        signOptions: { expiresIn: '12h', algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, DemoIdpController],
  providers: [
    AuthService,
    AccountChecks,
    LoginThrottle,
    HostTokenVerifier,
    HostUsers,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, AccountChecks, LoginThrottle],
})
export class AuthModule {}
