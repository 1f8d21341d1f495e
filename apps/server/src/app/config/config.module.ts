import { DynamicModule, Global, Module } from '@nestjs/common';

import type { OnwardConfig } from './onward-config';

/** Injection token of the validated OnwardConfig. */
export const ONWARD_CONFIG = Symbol('ONWARD_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: OnwardConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: ONWARD_CONFIG, useValue: config }],
      exports: [ONWARD_CONFIG],
    };
  }
}
