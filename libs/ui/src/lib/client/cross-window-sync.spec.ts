import { TestBed } from '@angular/core/testing';

import { CrossWindowSync, MONITOR_CHANNEL } from './cross-window-sync';

/** An in-memory BroadcastChannel: every open channel of a name hears the others' messages. */
class MemoryChannel {
  static open: MemoryChannel[] = [];
  onmessage: ((event: MessageEvent) => void) | null = null;
  closed = false;

  constructor(readonly name: string) {
    MemoryChannel.open.push(this);
  }
  postMessage(data: unknown): void {
    for (const other of MemoryChannel.open) {
      if (other !== this && other.name === this.name && !other.closed) other.onmessage?.({ data } as MessageEvent);
    }
  }
  close(): void {
    this.closed = true;
  }
}

describe('CrossWindowSync', () => {
  const original = globalThis.BroadcastChannel;

  beforeEach(() => {
    MemoryChannel.open = [];
    globalThis.BroadcastChannel = MemoryChannel as unknown as typeof BroadcastChannel;
  });

  afterEach(() => {
    globalThis.BroadcastChannel = original;
  });

  it('tells the other windows which runs the user cancelled, and ignores other messages', () => {
    const here = TestBed.inject(CrossWindowSync);
    const popout = new MemoryChannel(MONITOR_CHANNEL);
    here.rememberCancelled('r1');
    expect(here.cancelledByUser('r1')).toBe(true);

    const heard: unknown[] = [];
    popout.onmessage = (event) => heard.push(event.data);
    here.rememberCancelled('r2');
    expect(heard).toEqual([{ cancelled: 'r2' }]);

    popout.postMessage({ cancelled: 'r3' });
    popout.postMessage({ something: 'else' });
    popout.postMessage(null);
    expect(here.cancelledByUser('r3')).toBe(true);
    here.clear();
    expect(here.cancelledByUser('r1')).toBe(false);
  });

  it('closes its channel with the app', () => {
    TestBed.inject(CrossWindowSync);
    const channel = MemoryChannel.open[0];
    TestBed.resetTestingModule();
    expect(channel.closed).toBe(true);
  });

  it('works within one window where the browser has no BroadcastChannel', () => {
    (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel = undefined;
    const here = TestBed.inject(CrossWindowSync);
    here.rememberCancelled('r1');
    expect(here.cancelledByUser('r1')).toBe(true);
  });
});
