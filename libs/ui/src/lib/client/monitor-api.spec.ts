import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { makeRun, nextRequest } from '../../testing/fakes';
import { isNotFound, isUnauthorized, MonitorApi } from './monitor-api';
import { ONWARD_MONITOR_CONFIG, resolveMonitorConfig } from './monitor-config';

describe('MonitorApi', () => {
  let token: string | null;
  let http: HttpTestingController;
  let api: MonitorApi;

  beforeEach(() => {
    token = 'tok-1';
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        {
          provide: ONWARD_MONITOR_CONFIG,
          useValue: resolveMonitorConfig({ baseUrl: 'http://srv/', token: () => token }),
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    api = TestBed.inject(MonitorApi);
  });

  afterEach(() => http.verify());

  it('sends the run queries in one parameter order, with the bearer token', async () => {
    const page = api.runs({ user: 'bob', cursor: 'c1', limit: 50, mode: 'background', status: ['queued', 'running'] });
    const req = await nextRequest(http, /\/api\/runs\?/);
    expect(req.request.urlWithParams).toBe(
      'http://srv/api/runs?status=queued,running&mode=background&limit=50&cursor=c1&user=bob',
    );
    expect(req.request.headers.get('Authorization')).toBe('Bearer tok-1');
    req.flush({ items: [], nextCursor: null });
    await expect(page).resolves.toEqual({ items: [], nextCursor: null });
  });

  it('pages a scheduler’s subtasks and escapes ids in paths', async () => {
    const page = api.children('a/b', { limit: 200, cursor: 'p200' });
    const req = await nextRequest(http, 'http://srv/api/runs/a%2Fb/children');
    expect(req.request.urlWithParams).toBe('http://srv/api/runs/a%2Fb/children?limit=200&cursor=p200');
    req.flush({ items: [], nextCursor: null });
    await page;
    expect(api.resultUrl('a/b')).toBe('http://srv/api/runs/a%2Fb/result');
  });

  it('holds the wait timeout to 0–60 seconds', async () => {
    const long = api.wait('x', 90);
    (await nextRequest(http, /\/api\/runs\/x\/wait\?timeout=60$/)).flush(makeRun({ id: 'x' }));
    await long;
    const negative = api.wait('x', -5);
    (await nextRequest(http, /\/api\/runs\/x\/wait\?timeout=0$/)).flush(makeRun({ id: 'x' }));
    await negative;
  });

  it('asks to run a finished run again, with the changed values or the failed rows only', async () => {
    const again = api.rerun('r1', { parameters: { year: 2025 } });
    const request = await nextRequest(http, 'http://srv/api/runs/r1/rerun', 'POST');
    expect(request.request.body).toEqual({ parameters: { year: 2025 } });
    request.flush(makeRun({ id: 'r2', rerunOf: 'r1' }));
    await expect(again).resolves.toMatchObject({ id: 'r2', rerunOf: 'r1' });
    const failed = api.rerun('r1', { only: 'failed' });
    const second = await nextRequest(http, 'http://srv/api/runs/r1/rerun', 'POST');
    expect(second.request.body).toEqual({ only: 'failed' });
    second.flush(makeRun({ id: 'r3', rerunOf: 'r1' }));
    await failed;
  });

  it('sends a write again once, with its body, when a 401 comes back and the host has a fresh token', async () => {
    const cancel = api.cancel('r1');
    const first = await nextRequest(http, 'http://srv/api/runs/r1/cancel', 'POST');
    token = 'tok-2';
    first.flush(null, { status: 401, statusText: 'Unauthorized' });
    const retry = await nextRequest(http, 'http://srv/api/runs/r1/cancel', 'POST');
    expect(retry.request.headers.get('Authorization')).toBe('Bearer tok-2');
    expect(retry.request.body).toEqual({});
    retry.flush(makeRun({ id: 'r1', status: 'cancelling' }));
    await expect(cancel).resolves.toMatchObject({ status: 'cancelling' });
  });

  it('does not retry other errors', async () => {
    const run = api.run('gone');
    token = 'tok-2';
    (await nextRequest(http, 'http://srv/api/runs/gone')).flush(null, { status: 404, statusText: 'Not Found' });
    const error: unknown = await run.catch((e: unknown) => e);
    expect(isNotFound(error)).toBe(true);
    expect(isUnauthorized(error)).toBe(false);
    expect(http.match(() => true)).toEqual([]);
  });
});
