import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { IoAdapter } from '@nestjs/platform-socket.io';

import { RunEvents } from '../engine/run-events';
import { IoTransport } from './io-transport';
import type { RunsGateway } from './runs.gateway';
import { SocketAnnouncer } from './socket-announcer';

/** A transport whose publishes Redis answers when the test says so (or that never leaves the process). */
class ControlledTransport extends IoTransport {
  constructor(private readonly pending: Promise<void> | null) {
    super();
  }
  createAdapter(_app: INestApplicationContext): IoAdapter {
    throw new Error('not used');
  }
  published(): Promise<void> | null {
    return this.pending;
  }
}

const gateway = { broadcast: jest.fn() } as unknown as RunsGateway;

describe('the Announcer port', () => {
  it('is a missing provider at start when no realtime side provides it', async () => {
    await expect(Test.createTestingModule({ providers: [RunEvents] }).compile()).rejects.toThrow(/Announcer/);
  });

  it('passes every run event on to the sockets', () => {
    const events = new RunEvents(new SocketAnnouncer(gateway, new ControlledTransport(null)));
    const event = { type: 'deleted', id: 'r1', ownerId: 'u1' } as const;
    events.emit(event);
    expect(gateway.broadcast).toHaveBeenCalledWith(event);
  });

  it('is flushed only once the transport has published everything', async () => {
    let release = (): void => undefined;
    const published = new Promise<void>((resolve) => (release = resolve));
    const announcer = new SocketAnnouncer(gateway, new ControlledTransport(published));
    let flushed = false;
    const flushing = announcer.flushed(60_000).then(() => (flushed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);
    release();
    await flushing;
    expect(flushed).toBe(true);
  });

  it('stops waiting after withinMs when the transport never answers (Redis away)', async () => {
    const announcer = new SocketAnnouncer(gateway, new ControlledTransport(new Promise<void>(() => undefined)));
    await expect(announcer.flushed(20)).resolves.toBeUndefined();
  });

  it('is flushed at once where nothing leaves the process', async () => {
    await expect(new SocketAnnouncer(gateway, new ControlledTransport(null)).flushed(60_000)).resolves.toBeUndefined();
  });
});
