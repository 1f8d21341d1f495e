import { provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import type { RunView } from '@onward/task-domain';
import { MonitorClient } from '@onward/ui';

import { AccountsApi } from '../auth/accounts-api';
import { AdminPage } from './admin-page';

function run(id: string, username: string, status: RunView['status']): RunView {
  return {
    id,
    task: 'sales-report',
    title: 'Sales report',
    kind: 'report',
    owner: { id: `u-${username}`, username },
    mode: 'background',
    display: { customer: 'Acme', year: 2024 },
    status,
    progress: { percent: 10, message: null },
    result: null,
    error: null,
    parentId: null,
    scheduler: null,
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: null,
    version: 1,
  };
}

describe('AdminPage', () => {
  const client = {
    allRuns: signal([run('a1', 'alice', 'running'), run('b1', 'bob', 'running'), run('b2', 'bob', 'queued')]),
    watchAll: jest.fn(),
    unwatchAll: jest.fn(),
    listAdminRuns: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
    describeError: jest.fn(),
  };

  const accounts = {
    listUsers: jest.fn(async () =>
      ['alice', 'bob', 'bonnie', 'admin'].map((username) => ({ username, displayName: username, roles: ['user'] })),
    ),
    options: jest.fn(async () => ({ mode: 'local' })),
  };

  beforeEach(() => {
    jest.clearAllMocks();
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
        { provide: MonitorClient, useValue: client },
        { provide: AccountsApi, useValue: accounts },
      ],
    });
  });

  it('watches every user’s runs while open and filters by user', async () => {
    const fixture = TestBed.createComponent(AdminPage);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const owners = () => [...el.querySelectorAll('onward-admin-runs-table td.user')].map((o) => o.textContent);
    expect(client.watchAll).toHaveBeenCalled();
    expect(client.listAdminRuns).toHaveBeenCalledWith({ limit: 200 });
    expect(owners()).toEqual(['alice', 'bob', 'bob']);

    const input = el.querySelector('input[name=user]') as HTMLInputElement;
    input.value = 'bob';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(client.listAdminRuns).toHaveBeenLastCalledWith({ limit: 200, user: 'bob' });
    expect(owners()).toEqual(['bob', 'bob']);

    fixture.destroy();
    expect(client.unwatchAll).toHaveBeenCalled();
  });

  it('matches the start of a name, reads each matching user exactly, and counts in words', async () => {
    const fixture = TestBed.createComponent(AdminPage);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const owners = () => [...el.querySelectorAll('onward-admin-runs-table td.user')].map((o) => o.textContent);
    const count = () => el.querySelector('.count')?.textContent?.trim();
    expect(count()).toBe('3 runs');

    const input = el.querySelector('input[name=user]') as HTMLInputElement;
    input.value = 'BO';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    // The contract's ?user= is exact: one read per user whose name starts with the prefix.
    expect(client.listAdminRuns).toHaveBeenCalledWith({ limit: 200, user: 'bob' });
    expect(client.listAdminRuns).toHaveBeenCalledWith({ limit: 200, user: 'bonnie' });
    expect(owners()).toEqual(['bob', 'bob']);
    expect(count()).toBe('2 runs');

    input.value = 'al';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(owners()).toEqual(['alice']);
    expect(count()).toBe('1 run');
  });

  it('keeps the Runs table as it was while another tab is shown, and catches up on return', async () => {
    const all = client.allRuns();
    const fixture = TestBed.createComponent(AdminPage);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const owners = () => [...el.querySelectorAll('onward-admin-runs-table td.user')].map((o) => o.textContent);
    const tab = (name: string): HTMLElement => {
      const found = [...el.querySelectorAll<HTMLElement>('[role=tab]')].find((t) => t.textContent?.trim() === name);
      if (!found) throw new Error(`no tab ${name}`);
      return found;
    };
    try {
      tab('Users').click();
      await fixture.whenStable();
      client.allRuns.set([...all, run('c1', 'carol', 'running')]);
      await fixture.whenStable();
      const page = fixture.componentInstance as unknown as { shownRuns: () => RunView[] };
      expect(page.shownRuns().map((r) => r.id)).toEqual(['a1', 'b1', 'b2']);
      tab('Runs').click();
      await fixture.whenStable();
      expect(owners()).toEqual(['alice', 'bob', 'bob', 'carol']);
    } finally {
      client.allRuns.set(all);
    }
  });
});
