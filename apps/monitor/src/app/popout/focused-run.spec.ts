import { provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { RunView } from '@onward/task-domain';
import { MonitorClient } from '@onward/ui';

import { appRoutes } from '../app.routes';
import { FocusedRun } from './focused-run';
import { PopoutPage } from './popout-page';

function run(id: string, overrides: Partial<RunView> = {}): RunView {
  return {
    id,
    task: 'sales-report',
    title: 'Sales report',
    kind: 'report',
    owner: { id: 'u-alice', username: 'alice' },
    mode: 'background',
    display: { customer: 'Acme', year: 2024 },
    status: 'running',
    progress: { percent: 40, message: null },
    result: null,
    error: null,
    parentId: null,
    scheduler: null,
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: null,
    version: 1,
    ...overrides,
  };
}

describe('a run’s link (/monitor/run/:id)', () => {
  const held = signal<RunView[]>([]);
  const client = {
    user: signal({ id: 'u-alice', username: 'alice' }),
    tasks: signal([]),
    run: (id: string) => held().find((r) => r.id === id),
    getRun: jest.fn(),
    expand: jest.fn().mockResolvedValue(undefined),
    collapse: jest.fn(),
    childrenOf: () => [],
    subtaskPaging: () => ({ hasMore: false, loading: false }),
  };

  beforeEach(() => {
    jest.clearAllMocks();
    held.set([]);
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([], withComponentInputBinding()),
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
        { provide: MonitorClient, useValue: client },
      ],
    });
  });

  async function render(id: string) {
    const fixture = TestBed.createComponent(FocusedRun);
    fixture.componentRef.setInput('id', id);
    await fixture.whenStable();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  it('is a route of the pop-out page, its id bound from the path', async () => {
    const route = appRoutes.find((r) => r.path === 'monitor/run/:id');
    expect(route?.canActivate).toHaveLength(1);
    expect(await route?.loadComponent?.()).toBe(PopoutPage);
    // withComponentInputBinding hands the path's id to the page's `id` input.
    TestBed.inject(Router).resetConfig([{ path: 'monitor/run/:id', component: FocusedRun }]);
    held.set([run('r1')]);
    const harness = await RouterTestingHarness.create();
    const focused = await harness.navigateByUrl('/monitor/run/r1', FocusedRun);
    expect(focused.id()).toBe('r1');
    expect(harness.routeNativeElement?.querySelector('onward-run-entry')?.getAttribute('data-run-id')).toBe('r1');
  });

  it('shows the run highlighted, read from the server when it is not held', async () => {
    client.getRun.mockImplementation(async (id: string) => {
      const found = run(id, { status: 'completed', finishedAt: '2026-01-01T00:01:00Z' });
      held.set([found]);
      return found;
    });
    const { fixture, el } = await render('old-1');
    await fixture.whenStable();
    expect(client.getRun).toHaveBeenCalledWith('old-1');
    const entry = el.querySelector('[role=list][aria-label="This run"] onward-run-entry');
    expect(entry?.getAttribute('aria-label')).toMatch(/^Sales report · Acme 2024, Completed/);
  });

  it('opens a scheduler with its subtasks', async () => {
    held.set([run('s1', { scheduler: { total: 3, completed: 1, failed: 0, cancelled: 0, current: null } })]);
    await render('s1');
    expect(client.expand).toHaveBeenCalledWith('s1');
  });

  it('says so when the run is gone', async () => {
    client.getRun.mockRejectedValue(new Error('404'));
    const { fixture, el } = await render('gone');
    await fixture.whenStable();
    expect(el.querySelector('[role=status]')?.textContent).toContain('This run no longer exists');
    expect(el.querySelector('a')?.getAttribute('href')).toBe('/monitor');
  });
});
