import { Module } from '@nestjs/common';

import { ProcedureRunner } from './procedure-runner';

/** What procedure tasks need: import it into the module whose `providers` hold `procedureTask(...)`s. */
@Module({ providers: [ProcedureRunner], exports: [ProcedureRunner] })
export class ProceduresModule {}
