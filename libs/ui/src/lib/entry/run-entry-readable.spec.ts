import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { RunView } from '@onward/task-domain';

import { makeRun } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import type { MonitorClient } from '../client/monitor-client';
import { RunEntry } from './run-entry';

/** What tells one entry from another: times, a selection's rows, who cancelled, a value's summary. */
describe('RunEntry, as people read it', () => {
  let client: MonitorClient;

  beforeEach(() => {
    ({ client } = setupWidget({ token: null }));
  });

  afterEach(() => document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = '')));

  const stable = () => TestBed.inject(ApplicationRef).whenStable();
  const overlay = () => document.querySelector('.cdk-overlay-container')?.textContent?.replace(/\s+/g, ' ') ?? '';

  async function render(run: RunView) {
    const fixture = TestBed.createComponent(RunEntry);
    fixture.componentRef.setInput('run', run);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const button = (label: string) => {
      const found = [...el.querySelectorAll('button')].find((b) => b.textContent?.trim().startsWith(label));
      if (!found) throw new Error(`no button ${label}`);
      return found;
    };
    return { el, text: () => el.textContent?.replace(/\s+/g, ' ') ?? '', button };
  }

  it('shows when a finished run started and finished, the exact date-time on hover', async () => {
    const started = new Date();
    started.setHours(9, 5, 0, 0);
    const finished = new Date(started.getTime() + 7 * 60_000);
    const time = (d: Date) => new Intl.DateTimeFormat('en-US', { timeStyle: 'short' }).format(d);
    const { el } = await render(
      makeRun({ status: 'completed', startedAt: started.toISOString(), finishedAt: finished.toISOString() }),
    );
    const start = el.querySelector('time.started') as HTMLElement;
    const end = el.querySelector('time.finished') as HTMLElement;
    expect(start.textContent?.trim()).toBe(time(started));
    expect(end.textContent?.trim()).toBe(time(finished));
    expect(start.getAttribute('datetime')).toBe(started.toISOString());
    expect(start.title).toMatch(/^Started \w+day, .* at 9:05:00\sAM$/);
    expect(end.title).toMatch(/^Finished .* at 9:12:00\sAM$/);
  });

  it('shows a running run’s start only', async () => {
    const { el } = await render(makeRun({ status: 'running', startedAt: new Date().toISOString() }));
    expect(el.querySelector('time.started')).not.toBeNull();
    expect(el.querySelector('time.finished')).toBeNull();
  });

  it('names a selection by its first rows and the count of the others', async () => {
    const { text, el } = await render(
      makeRun({
        display: { year: 2025 },
        firstRows: ['Acme', 'Globex', 'Initech'].map((customer) => ({ customer, year: 2025 })),
        scheduler: { total: 4, completed: 0, failed: 0, cancelled: 0, current: null },
      }),
    );
    expect(text()).toContain('Sales report · Acme, Globex and 2 more · 2025');
    expect(el.getAttribute('aria-label')).toMatch(/^Sales report · Acme, Globex and 2 more · 2025, Running/);
  });

  it('says "Cancelled by an administrator" when an administrator cancelled, "Cancelled" when the owner did', async () => {
    const admin = await render(
      makeRun({
        status: 'cancelled',
        progress: { percent: 40, message: null },
        cancelledBy: { id: 'u-admin', username: 'admin', admin: true },
      }),
    );
    expect(admin.text()).toContain('Cancelled by an administrator');
    expect(admin.el.getAttribute('aria-label')).toContain('Cancelled by an administrator');
    const own = await render(
      makeRun({
        status: 'cancelled',
        progress: { percent: 40, message: null },
        cancelledBy: { id: 'u-alice', username: 'alice', admin: false },
      }),
    );
    expect(own.text()).toContain('Cancelled');
    expect(own.text()).not.toContain('administrator');
  });

  it('shows a value’s summary instead of its JSON, the raw value behind Details', async () => {
    const { text, button } = await render(
      makeRun({
        title: 'Recalculate prices',
        display: { category: 'Hardware' },
        status: 'completed',
        result: { type: 'value', value: { updated: 32 }, summary: '32 prices updated' },
      }),
    );
    expect(text()).toContain('32 prices updated');
    expect(text()).not.toContain('updated":');
    button('Details').click();
    await stable();
    expect(overlay()).toContain('32 prices updated');
    expect(document.querySelector('onward-result-value-dialog pre')?.textContent).toContain('"updated": 32');
  });

  it('shows a scheduler’s value list as a table of its rows, not JSON', async () => {
    const value = [
      {
        row: 1,
        display: { category: 'Hardware' },
        status: 'completed',
        value: { updated: 3 },
        summary: '3 prices updated',
        error: null,
      },
      { row: 2, display: { category: 'Toys' }, status: 'failed', value: null, error: 'Unknown category "Toys"' },
    ];
    const { text, button } = await render(
      makeRun({
        title: 'Recalculate prices',
        display: {},
        status: 'failed',
        scheduler: { total: 2, completed: 1, failed: 1, cancelled: 0, current: null },
        error: { message: '1 of 2 subtasks failed', details: null },
        result: { type: 'value', value },
      }),
    );
    expect(text()).not.toContain('[{');
    button('Details').click();
    await stable();
    const rows = [...document.querySelectorAll('onward-result-value-dialog tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['1', 'Hardware', 'Completed', '3 prices updated', ''],
      ['2', 'Toys', 'Failed', '', 'Unknown category "Toys"'],
    ]);
    expect(document.querySelector('onward-result-value-dialog pre')).toBeNull();
  });

  describe('an administrator’s cancel of another user’s run', () => {
    const adminUser = {
      id: 'u-admin',
      username: 'admin',
      displayName: 'Admin',
      roles: ['user' as const, 'admin' as const],
    };

    it('asks first, and cancels only once confirmed', async () => {
      jest.spyOn(client, 'user').mockReturnValue(adminUser);
      const run = makeRun({ owner: { id: 'u-bob', username: 'bob' } });
      let called!: () => void;
      const cancelled = new Promise<void>((resolve) => (called = resolve));
      const cancel = jest.spyOn(client, 'cancel').mockImplementation(async () => {
        called();
        return { ...run, status: 'cancelling' };
      });
      const { button } = await render(run);

      button('Cancel').click();
      await stable();
      expect(overlay()).toContain("Cancel bob's run?");
      expect(overlay()).toContain('They will see that an administrator cancelled it.');
      (document.querySelector('onward-confirm-dialog button') as HTMLButtonElement).click(); // Keep
      await stable();
      expect(cancel).not.toHaveBeenCalled();

      button('Cancel').click();
      await stable();
      const confirm = [...document.querySelectorAll('onward-confirm-dialog button')].find(
        (b) => b.textContent?.trim() === 'Cancel run',
      ) as HTMLButtonElement;
      confirm.click();
      await cancelled;
      expect(cancel).toHaveBeenCalledWith(run.id);
    });

    it('does not ask about the administrator’s own run', async () => {
      jest.spyOn(client, 'user').mockReturnValue(adminUser);
      const run = makeRun({ owner: { id: 'u-admin', username: 'admin' } });
      const cancel = jest.spyOn(client, 'cancel').mockResolvedValue({ ...run, status: 'cancelling' });
      const { button } = await render(run);
      button('Cancel').click();
      expect(document.querySelector('onward-confirm-dialog')).toBeNull();
      expect(cancel).toHaveBeenCalledWith(run.id);
    });
  });
});
