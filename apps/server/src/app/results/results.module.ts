import { Module } from '@nestjs/common';

import { ResultStorage } from './result-storage.service';

@Module({ providers: [ResultStorage], exports: [ResultStorage] })
export class ResultsModule {}
