import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { RunView } from '@onward/task-domain';

import { ALICE, makeRun, nextRequest } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import { AdminRunsTable } from './admin-runs-table';

@Component({
  imports: [AdminRunsTable],
  template: `<onward-admin-runs-table [runs]="runs()" />`,
})
class Host {
  readonly runs = signal<RunView[]>([]);
}

const at = (day: number, hour: number) => new Date(2026, 2, day, hour, 0, 0).toISOString();

const RUNS: RunView[] = [
  makeRun({
    id: 'r1',
    owner: { id: 'u-b', username: 'bob' },
    status: 'completed',
    startedAt: at(3, 9),
    finishedAt: at(3, 10),
    display: { customer: 'Globex', year: 2025 },
  }),
  makeRun({
    id: 'r2',
    owner: { id: 'u-a', username: 'alice' },
    status: 'running',
    startedAt: at(5, 9),
    display: { customer: 'Acme', year: 2024 },
  }),
  makeRun({
    id: 'r3',
    owner: { id: 'u-c', username: 'carol' },
    status: 'failed',
    startedAt: at(1, 9),
    finishedAt: at(1, 9),
    title: 'Export orders',
    display: { customer: 'Acme, Inc.', year: '=1+1' },
  }),
];

// jsdom's Blob has no text(); FileReader reads it the way browsers did before.
function readText(blob: Blob | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!blob) return reject(new Error('nothing was exported'));
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

describe('AdminRunsTable', () => {
  async function render(runs = RUNS) {
    const widget = setupWidget();
    const fixture = TestBed.createComponent(Host);
    fixture.componentInstance.runs.set(runs);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const column = (index: number) =>
      [...el.querySelectorAll('tr.mat-mdc-row:not(.empty)')].map((row) => row.children[index].textContent?.trim());
    const header = (name: string) =>
      [...el.querySelectorAll<HTMLElement>('th .mat-sort-header-container')].find(
        (h) => h.textContent?.trim() === name,
      );
    const clickHeader = async (name: string) => {
      header(name)?.click();
      await fixture.whenStable();
    };
    return { widget, fixture, el, column, clickHeader };
  }

  it('lists the newest start first and sorts by each column the user clicks', async () => {
    const { column, clickHeader } = await render();
    const users = () => column(1);
    expect(users()).toEqual(['alice', 'bob', 'carol']);

    await clickHeader('User');
    expect(users()).toEqual(['alice', 'bob', 'carol']);
    await clickHeader('User');
    expect(users()).toEqual(['carol', 'bob', 'alice']);

    await clickHeader('Status');
    expect(column(2)).toEqual(['Running · 42 %', 'Completed', 'Failed']);

    await clickHeader('Task');
    expect(column(0)).toEqual([
      'Export orders · Acme, Inc. =1+1',
      'Sales report · Acme 2024',
      'Sales report · Globex 2025',
    ]);

    // Going up, a run that has not finished comes after every finished one.
    await clickHeader('Finished');
    expect(users()).toEqual(['alice', 'bob', 'carol']);
    await clickHeader('Finished');
    expect(users()).toEqual(['carol', 'bob', 'alice']);
  });

  it('keeps only the runs started within the chosen days', async () => {
    const { el, fixture, column } = await render();
    const type = async (name: string, value: string) => {
      const input = el.querySelector<HTMLInputElement>(`input[name=${name}]`);
      if (!input) throw new Error(`no ${name} field`);
      input.value = value;
      input.dispatchEvent(new Event('input'));
      input.dispatchEvent(new Event('change'));
      await fixture.whenStable();
    };
    await type('from', '3/2/2026');
    await type('to', '3/3/2026');
    expect(column(1)).toEqual(['bob']);

    await type('to', '3/31/2026');
    expect(column(1)).toEqual(['alice', 'bob']);

    [...el.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'All dates')?.click();
    await fixture.whenStable();
    expect(column(1)).toEqual(['alice', 'bob', 'carol']);
  });

  it('exports what the table shows as CSV, quoted per RFC 4180', async () => {
    const { el, fixture, clickHeader } = await render();
    await clickHeader('User');
    let blob: Blob | undefined;
    const create = jest.fn((b: Blob) => {
      blob = b;
      return 'blob:csv';
    });
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: jest.fn() });
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);

    el.querySelector<HTMLButtonElement>('button.export')?.click();
    await fixture.whenStable();

    expect(click).toHaveBeenCalled();
    expect((click.mock.contexts[0] as HTMLAnchorElement).download).toMatch(/^onward-runs-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = (await readText(blob)).replace(/^\uFEFF/, '');
    expect(text.split('\r\n')).toEqual([
      'Task,User,Status,Started,Finished,Duration (s),Run id',
      `Sales report · Acme 2024,alice,Running,${at(5, 9)},,,r2`,
      `Sales report · Globex 2025,bob,Completed,${at(3, 9)},${at(3, 10)},3600,r1`,
      `"Export orders · Acme, Inc. =1+1",carol,Failed,${at(1, 9)},${at(1, 9)},0,r3`,
      '',
    ]);
    click.mockRestore();
  });

  it('on its own, loads every user’s runs and follows them live', async () => {
    const { http, sockets } = setupWidget();
    const fixture = TestBed.createComponent(AdminRunsTable);
    await fixture.whenStable();
    sockets.last.fire('connect');
    (await nextRequest(http, '/api/auth/me')).flush({ ...ALICE, roles: ['user', 'admin'] });
    (await nextRequest(http, '/api/tasks')).flush([]);
    (await nextRequest(http, /\/api\/runs\?limit=200$/)).flush({ items: [], nextCursor: null });
    expect(sockets.last.emitted).toContain('subscribe.all');
    (await nextRequest(http, /\/api\/admin\/runs\?limit=200$/)).flush({ items: [RUNS[0]], nextCursor: null });
    const users = async () => {
      await fixture.whenStable();
      return [...(fixture.nativeElement as HTMLElement).querySelectorAll('td.user')].map((td) => td.textContent);
    };
    expect(await users()).toEqual(['bob']);

    sockets.last.fire('run.updated', RUNS[1]);
    expect(await users()).toEqual(['alice', 'bob']);
  });
});
