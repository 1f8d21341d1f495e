import { Module } from '@nestjs/common';

import { RunsModule } from '../runs/runs.module';
import { RunsGateway } from './runs.gateway';

@Module({ imports: [RunsModule], providers: [RunsGateway] })
export class GatewayModule {}
