import { Global, Module } from '@nestjs/common';

import { Internals } from './internals.service';

/** Every use of another library's private internals, behind `ONWARD_TUNING` (see Internals). */
@Global()
@Module({ providers: [Internals], exports: [Internals] })
export class InternalsModule {}
