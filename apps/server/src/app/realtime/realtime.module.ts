import { Module } from '@nestjs/common';

import { EngineModule } from '../engine/engine.module';
import { RunsGateway } from './runs.gateway';

@Module({ imports: [EngineModule], providers: [RunsGateway] })
export class RealtimeModule {}
