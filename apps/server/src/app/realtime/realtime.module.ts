import { DynamicModule, Module } from '@nestjs/common';

import type { OnwardConfig } from '../config/onward-config';
import { Announcer } from '../engine/announcer.port';
import { EngineModule } from '../engine/engine.module';
import { IoTransport } from './io-transport';
import { LocalIoTransport } from './onward-io.adapter';
import { RedisIoTransport } from './redis-io.adapter';
import { Resync } from './resync.port';
import { RunsGateway } from './runs.gateway';
import { SocketAnnouncer } from './socket-announcer';

/**
 * The realtime side: the gateway, the Socket.IO transport this configuration needs (Redis or
 * none), and the ports the engine and the transport use. Global, so that the engine's modules get
 * the Announcer without importing the gateway (which imports them).
 */
@Module({})
export class RealtimeModule {
  static forRoot(config: OnwardConfig): DynamicModule {
    return {
      module: RealtimeModule,
      global: true,
      imports: [EngineModule],
      providers: [
        RunsGateway,
        { provide: Resync, useExisting: RunsGateway },
        { provide: IoTransport, useClass: config.redis ? RedisIoTransport : LocalIoTransport },
        { provide: Announcer, useClass: SocketAnnouncer },
      ],
      exports: [Announcer, IoTransport],
    };
  }
}
