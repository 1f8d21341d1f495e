import { Directive, input } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { AdminStats, WorkerInfo } from '@onward/task-domain';
import { BaseChartDirective } from 'ng2-charts';

import { ALICE, nextRequest } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import { AdminDashboard } from './admin-dashboard';

// jsdom draws no canvas: the chart directive is stubbed (unit specs only; the e2e draws real charts).
// The real directive's own selector, which the stub stands in for.
// eslint-disable-next-line @angular-eslint/directive-selector
@Directive({ selector: 'canvas[baseChart]' })
class ChartStub {
  readonly type = input<unknown>();
  readonly options = input<unknown>();
  readonly data = input<unknown>();
}

const bucket = (minute: number, started: number, completed: number, failed = 0, cancelled = 0) => ({
  at: new Date(Date.UTC(2026, 2, 10, 12, minute)).toISOString(),
  started,
  completed,
  failed,
  cancelled,
});

const STATS: AdminStats = {
  window: '1h',
  buckets: [bucket(0, 3, 2, 1), bucket(1, 0, 1, 0, 1)],
  tasks: [
    { task: 'sales-report', runs: 4, failed: 1, p50Ms: 1200, p95Ms: 4100 },
    { task: 'recalculate-prices', runs: 1, failed: 0, p50Ms: 350, p95Ms: 400 },
  ],
  topErrors: [{ task: 'sales-report', message: 'Unknown customer "Nobody"', count: 1 }],
  queued: 7,
  running: 2,
};
const WORKERS: WorkerInfo[] = [
  {
    id: 'w1',
    host: 'box',
    pid: 41,
    role: 'all',
    startedAt: STATS.buckets[0].at,
    lastSeenAt: STATS.buckets[0].at,
    running: ['r-1'],
  },
];

/** The chart directive (stubbed) on the canvas inside `box`. */
function chartIn(fixture: ComponentFixture<AdminDashboard>, box: HTMLElement): ChartStub {
  const canvas = box.querySelector('canvas');
  return fixture.debugElement.query((d) => d.nativeElement === canvas).injector.get(ChartStub);
}

describe('AdminDashboard', () => {
  async function render(refreshThrottleMs?: number) {
    TestBed.overrideComponent(AdminDashboard, {
      remove: { imports: [BaseChartDirective] },
      add: { imports: [ChartStub] },
    });
    const widget = setupWidget();
    const fixture = TestBed.createComponent(AdminDashboard);
    if (refreshThrottleMs !== undefined) fixture.componentRef.setInput('refreshThrottleMs', refreshThrottleMs);
    fixture.detectChanges();
    return { ...widget, fixture, el: fixture.nativeElement as HTMLElement };
  }

  async function answer(
    widget: Awaited<ReturnType<typeof render>>,
    stats = STATS,
    window = '1h',
    workers: WorkerInfo[] = WORKERS,
  ) {
    const request = await nextRequest(widget.http, '/api/admin/stats');
    expect(request.request.params.get('window')).toBe(window);
    request.flush(stats);
    (await nextRequest(widget.http, '/api/admin/workers')).flush(workers);
    // The answers resolve the component's read a few promise turns later.
    for (let turn = 0; turn < 10; turn++) await Promise.resolve();
    await widget.fixture.whenStable();
    widget.fixture.detectChanges();
  }

  it('shows queued and running now, the processes, and the failing tasks with their messages', async () => {
    const widget = await render();
    await answer(widget);
    const { el } = widget;
    expect(el.querySelector('[data-testid=queued]')?.textContent).toBe('7');
    expect(el.querySelector('[data-testid=running]')?.textContent).toBe('2');
    expect(el.querySelector('[data-testid=workers-list]')?.textContent).toContain('pid 41');
    expect(el.querySelector('[data-testid=workers-list]')?.textContent).toContain('r-1');
    const failing = el.querySelector('[data-testid=failing-list]')?.textContent ?? '';
    expect(failing).toContain('sales-report');
    expect(failing).toContain('Unknown customer "Nobody"');
    expect(failing).not.toContain('recalculate-prices');
  });

  it('gives each chart a text alternative and its numbers as chart data, and a table of the same numbers', async () => {
    const widget = await render();
    await answer(widget);
    const { el, fixture } = widget;
    const runs = el.querySelector('[data-testid=runs-chart]') as HTMLElement;
    expect(runs.getAttribute('role')).toBe('img');
    expect(runs.getAttribute('tabindex')).toBe('0');
    expect(runs.getAttribute('aria-label')).toBe(
      'Runs per bucket over 1 hour: 3 started, 3 completed, 1 failed, 1 cancelled; at most 3 started in one bucket.',
    );
    const stub = chartIn(fixture, runs);
    expect(stub.data()).toMatchObject({
      labels: [expect.any(String), expect.any(String)],
      datasets: [{ data: [3, 0] }, { data: [2, 1] }, { data: [1, 0] }, { data: [0, 1] }],
    });
    const durations = el.querySelector('[data-testid=durations-chart]') as HTMLElement;
    // The durations chart gets its numbers one animation frame after the runs chart, and its text
    // alternative with them.
    await new Promise((resolve) => requestAnimationFrame(resolve));
    fixture.detectChanges();
    expect(chartIn(fixture, durations).data()).toMatchObject({
      labels: ['sales-report', 'recalculate-prices'],
      datasets: [{ data: [1200, 350] }, { data: [4100, 400] }],
    });
    expect(durations.getAttribute('aria-label')).toBe(
      'Durations per task: sales-report: p50 1.2 s, p95 4.1 s; recalculate-prices: p50 350 ms, p95 400 ms.',
    );

    const toggle = el.querySelector('mat-slide-toggle button') as HTMLButtonElement;
    toggle.click();
    fixture.detectChanges();
    expect(el.querySelector('[data-testid=runs-chart]')).toBeNull();
    const rows = [...el.querySelectorAll('[data-testid=runs-table] tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => Number(td.textContent)),
    );
    expect(rows).toEqual([
      [3, 2, 1, 0],
      [0, 1, 0, 1],
    ]);
    const tasks = [...el.querySelectorAll('[data-testid=tasks-table] tbody tr')].map((tr) =>
      [...tr.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim()).join(' '),
    );
    expect(tasks).toEqual(['sales-report 4 1 1.2 s 4.1 s', 'recalculate-prices 1 0 350 ms 400 ms']);
  });

  it('reads another window when switched, and again on a stats.updated hint and on refresh', async () => {
    const widget = await render();
    await answer(widget);
    const { el, sockets, fixture } = widget;
    const day = [...el.querySelectorAll('mat-button-toggle button')][1] as HTMLButtonElement;
    day.click();
    fixture.detectChanges();
    // Until the day's numbers arrive, the chart's text alternative names the window of those it shows.
    const runsAlt = () => el.querySelector('[data-testid=runs-chart]')?.getAttribute('aria-label');
    expect(runsAlt()).toContain('over 1 hour');
    await answer(widget, { ...STATS, window: '24h', queued: 1 }, '24h');
    expect(el.querySelector('[data-testid=queued]')?.textContent).toBe('1');
    expect(runsAlt()).toContain('over 24 hours');

    sockets.last.fire('stats.updated');
    await answer(widget, { ...STATS, queued: 9 }, '24h');
    expect(el.querySelector('[data-testid=queued]')?.textContent).toBe('9');

    (el.querySelector('.bar button[mat-stroked-button]') as HTMLButtonElement).click();
    await answer(widget, { ...STATS, queued: 4 }, '24h');
    expect(el.querySelector('[data-testid=queued]')?.textContent).toBe('4');
  });

  it('reads once more after a read in flight when hints come during it, never twice at once', async () => {
    const widget = await render(0);
    await answer(widget);
    const { el, sockets, http } = widget;
    const statsReads = () => http.match((req) => req.url === '/api/admin/stats');

    sockets.last.fire('stats.updated');
    const inFlight = await nextRequest(http, '/api/admin/stats');
    // More hints (a run queued, a worker joining) while that read is unanswered.
    sockets.last.fire('stats.updated');
    sockets.last.fire('stats.updated');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(http.match((req) => req.url === '/api/admin/stats' && req !== inFlight.request)).toEqual([]);

    inFlight.flush({ ...STATS, queued: 5 });
    (await nextRequest(http, '/api/admin/workers')).flush(WORKERS);
    // The one read that follows brings the queue and the processes as they are after the hints.
    const joined: WorkerInfo = { ...WORKERS[0], id: 'w2', pid: 42, running: [] };
    await answer(widget, { ...STATS, queued: 9 }, '1h', [...WORKERS, joined]);
    expect(el.querySelector('[data-testid=queued]')?.textContent).toBe('9');
    expect(el.querySelector('[data-testid=workers]')?.textContent).toBe('2');
    expect(el.querySelector('[data-testid=workers-list]')?.textContent).toContain('pid 42');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statsReads()).toEqual([]);
  });

  it('lists each failing task with its own messages when two tasks fail with the same one', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const widget = await render();
      const same = 'Connection refused';
      const stats: AdminStats = {
        ...STATS,
        tasks: [
          { task: 'sales-report', runs: 4, failed: 2, p50Ms: 1200, p95Ms: 4100 },
          { task: 'recalculate-prices', runs: 3, failed: 1, p50Ms: 350, p95Ms: 400 },
        ],
        topErrors: [
          { task: 'sales-report', message: same, count: 2 },
          { task: 'recalculate-prices', message: same, count: 1 },
        ],
      };
      await answer(widget, stats);
      // Angular checks the keys when it reconciles a list with the one drawn before: read again.
      (widget.el.querySelector('.bar button[mat-stroked-button]') as HTMLButtonElement).click();
      await answer(widget, { ...stats, topErrors: stats.topErrors.map((e) => ({ ...e, count: e.count + 1 })) });
      const items = [...widget.el.querySelectorAll('[data-testid=failing-list] > li')].map((li) => [
        li.querySelector('strong')?.textContent,
        [...li.querySelectorAll('li')].map((e) => e.textContent?.replace(/\s+/g, '')),
      ]);
      expect(items).toEqual([
        ['sales-report', ['Connectionrefused×3']],
        ['recalculate-prices', ['Connectionrefused×2']],
      ]);
      // Angular warns of duplicate `track` keys (NG0955) in development mode.
      expect(warn.mock.calls.flat().join(' ')).not.toMatch(/NG0955|duplicate key/i);
    } finally {
      warn.mockRestore();
    }
  });

  it('reads again when the socket comes back online, the hints sent meanwhile being lost', async () => {
    const widget = await render(0);
    await answer(widget);
    const { el, sockets, http, client } = widget;
    const connect = async () => {
      sockets.last.fire('connect');
      (await nextRequest(http, '/api/auth/me')).flush({ ...ALICE, roles: ['user', 'admin'] });
      (await nextRequest(http, '/api/tasks')).flush([]);
      (await nextRequest(http, /\/api\/runs\?limit=200$/)).flush({ items: [], nextCursor: null });
      for (let turn = 0; turn < 20 && client.connection() !== 'online'; turn++) await Promise.resolve();
      expect(client.connection()).toBe('online');
      await widget.fixture.whenStable();
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    // The first connection is no comeback: the first read stands.
    await connect();
    expect(http.match((req) => req.url === '/api/admin/stats')).toEqual([]);

    sockets.last.fire('disconnect', 'transport close');
    expect(client.connection()).toBe('offline');
    // Offline for a while (a reconnect waits at least for Socket.IO's backoff), not a blip in one turn.
    await widget.fixture.whenStable();
    await connect();
    await answer(widget, { ...STATS, queued: 3 });
    expect(el.querySelector('[data-testid=queued]')?.textContent).toBe('3');
  });
});
