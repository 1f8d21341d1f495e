import type { HttpTestingController } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { RunView } from '@onward/task-domain';

import { answerResync as answer, setupClient } from '../../testing/client-setup';
import { ALICE, type FakeSocketFactory, makeRun, nextRequest } from '../../testing/fakes';
import type { MonitorClient } from './monitor-client';

describe('MonitorClient when the host refreshes its token', () => {
  let token: ReturnType<typeof signal<string | null>>;
  let sockets: FakeSocketFactory;
  let http: HttpTestingController;
  let client: MonitorClient;

  beforeEach(() => {
    token = signal<string | null>('tok-1');
    ({ sockets, http, client } = setupClient('http://srv/', () => token()));
  });

  afterEach(() => http.verify());

  /** Answers the REST calls of one resync with `runs`. */
  const answerResync = (runs: RunView[]) => answer(http, client, runs);

  it("keeps socket and runs when the host refreshes the same user's token, and reconnects with it after the server closed the socket", async () => {
    const run = makeRun();
    sockets.last.fire('connect');
    await answerResync([run]);

    token.set('tok-2');
    TestBed.tick();
    const check = await nextRequest(http, 'http://srv/api/auth/me');
    expect(check.request.headers.get('Authorization')).toBe('Bearer tok-2');
    check.flush(ALICE);
    await Promise.resolve();
    expect(sockets.sockets).toHaveLength(1);
    expect(sockets.last.closed).toBe(false);
    expect(client.run(run.id)).toBeDefined();

    // The server disconnects the socket when tok-1 expires: the client connects again, with tok-2.
    sockets.last.fire('disconnect', 'io server disconnect');
    expect(sockets.last.opened).toBe(1);
    expect(client.connection()).toBe('connecting');
    expect(sockets.last.auth()).toEqual({ token: 'tok-2' });
    sockets.last.fire('connect');
    (await nextRequest(http, 'http://srv/api/auth/me')).flush(ALICE);
    (await nextRequest(http, 'http://srv/api/tasks')).flush([]);
    const list = await nextRequest(http, /\/api\/runs\?limit=200$/);
    expect(list.request.headers.get('Authorization')).toBe('Bearer tok-2');
    list.flush({ items: [{ ...run, version: run.version + 1, status: 'completed' }], nextCursor: null });
    for (let i = 0; i < 20 && client.connection() !== 'online'; i++) await Promise.resolve();
    expect(client.connection()).toBe('online');
    expect(client.run(run.id)?.status).toBe('completed');
  });

  it("starts afresh when a new token is another user's", async () => {
    const run = makeRun();
    sockets.last.fire('connect');
    await answerResync([run]);

    token.set('tok-bob');
    TestBed.tick();
    (await nextRequest(http, 'http://srv/api/auth/me')).flush({ ...ALICE, id: 'u-bob', username: 'bob' });
    for (let i = 0; i < 20 && sockets.sockets.length < 2; i++) await Promise.resolve();
    expect(sockets.sockets).toHaveLength(2);
    expect(sockets.sockets[0].closed).toBe(true);
    expect(sockets.last.auth()).toEqual({ token: 'tok-bob' });
    expect(client.run(run.id)).toBeUndefined();
  });

  it('reports a socket refused on reconnecting after a server disconnect as unauthorized, and tries the next token', async () => {
    sockets.last.fire('connect');
    await answerResync([]);
    sockets.last.fire('disconnect', 'io server disconnect');
    expect(sockets.last.opened).toBe(1);
    sockets.last.fire('connect_error', new Error('unauthorized'));
    expect(client.connection()).toBe('unauthorized');

    // The host's renewed token arrives late: the same user's, so the socket connects again with it.
    token.set('tok-2');
    TestBed.tick();
    (await nextRequest(http, 'http://srv/api/auth/me')).flush(ALICE);
    for (let i = 0; i < 20 && sockets.last.opened < 2; i++) await Promise.resolve();
    expect(sockets.last.opened).toBe(2);
    expect(sockets.sockets).toHaveLength(1);
    expect(client.connection()).toBe('connecting');
    expect(sockets.last.auth()).toEqual({ token: 'tok-2' });
  });
});

describe('MonitorClient with a token the host refreshes outside a signal', () => {
  let current: string;
  let asked: number;
  let http: HttpTestingController;
  let client: MonitorClient;

  beforeEach(() => {
    current = 'tok-1';
    asked = 0;
    ({ http, client } = setupClient('http://srv', () => {
      asked++;
      return current;
    }));
  });

  afterEach(() => http.verify());

  it('retries a request refused with 401 once, with the fresh token the host gives', async () => {
    const user = client.me();
    const first = await nextRequest(http, 'http://srv/api/auth/me');
    expect(first.request.headers.get('Authorization')).toBe('Bearer tok-1');
    current = 'tok-2';
    const before = asked;
    first.flush(
      { statusCode: 401, error: 'Unauthorized', message: 'expired' },
      { status: 401, statusText: 'Unauthorized' },
    );
    const retry = await nextRequest(http, 'http://srv/api/auth/me');
    expect(asked).toBe(before + 1);
    expect(retry.request.headers.get('Authorization')).toBe('Bearer tok-2');
    retry.flush(ALICE);
    await expect(user).resolves.toEqual(ALICE);
  });

  it('gives up on a 401 when the host has no other token, or when the retry is refused too', async () => {
    const same = client.me();
    (await nextRequest(http, 'http://srv/api/auth/me')).flush(null, { status: 401, statusText: 'Unauthorized' });
    await expect(same).rejects.toMatchObject({ status: 401 });
    expect(http.match(() => true)).toEqual([]);

    const twice = client.me();
    const first = await nextRequest(http, 'http://srv/api/auth/me');
    current = 'tok-3';
    first.flush(null, { status: 401, statusText: 'Unauthorized' });
    const retry = await nextRequest(http, 'http://srv/api/auth/me');
    expect(retry.request.headers.get('Authorization')).toBe('Bearer tok-3');
    retry.flush(null, { status: 401, statusText: 'Unauthorized' });
    await expect(twice).rejects.toMatchObject({ status: 401 });
    expect(http.match(() => true)).toEqual([]);
  });
});
