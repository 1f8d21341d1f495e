import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { RunView } from '@onward/task-domain';

import { MonitorClient } from '../lib/client/monitor-client';
import { SocketFactory } from '../lib/client/socket-factory';
import { provideOnwardMonitor } from '../lib/provide-onward-monitor';
import { ALICE, FakeSocketFactory, nextRequest } from './fakes';

/** Configures TestBed with the client as a host sets it up, a fake socket layer and HttpTestingController. */
export function setupClient(baseUrl: string, token: () => string | null) {
  const sockets = new FakeSocketFactory();
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(),
      provideHttpClientTesting(),
      provideOnwardMonitor({ baseUrl, token }),
      { provide: SocketFactory, useValue: sockets },
    ],
  });
  const http = TestBed.inject(HttpTestingController);
  const client = TestBed.inject(MonitorClient);
  TestBed.tick();
  return { sockets, http, client };
}

/** Answers the REST calls of one resync of a client set up for `http://srv/` and `tok-1` with `runs`. */
export async function answerResync(http: HttpTestingController, client: MonitorClient, runs: RunView[]): Promise<void> {
  (await nextRequest(http, 'http://srv/api/auth/me')).flush(ALICE);
  (await nextRequest(http, 'http://srv/api/tasks')).flush([]);
  const list = await nextRequest(http, /\/api\/runs\?limit=200$/);
  expect(list.request.headers.get('Authorization')).toBe('Bearer tok-1');
  list.flush({ items: runs, nextCursor: null });
  for (let i = 0; i < 20 && client.connection() !== 'online'; i++) await Promise.resolve();
}
