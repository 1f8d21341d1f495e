import { TestBed } from '@angular/core/testing';

import { makeRun } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import { RunVisibility } from '../client/run-visibility';
import { keepPlaces, MonitorView } from './monitor-view';

/** Rows must not slide under the pointer: a second click would hit the next run. */
describe('MonitorView keeps places under the pointer', () => {
  afterEach(() => document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = '')));

  it('keeps a run that left the list as a hidden gap until the pointer leaves the list', async () => {
    const { sockets } = setupWidget();
    const [a, b, c] = ['2026-03-01', '2026-02-01', '2026-01-01'].map((day) =>
      makeRun({ status: 'completed', createdAt: `${day}T00:00:00Z` }),
    );
    for (const run of [a, b, c]) sockets.last.fire('run.updated', run);
    const fixture = TestBed.createComponent(MonitorView);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const rows = () =>
      [...el.querySelectorAll('onward-run-entry')].map(
        (e) => `${e.getAttribute('data-run-id')}${e.classList.contains('gap') ? ' (gap)' : ''}`,
      );
    const list = el.querySelector('cdk-virtual-scroll-viewport') as HTMLElement;

    list.dispatchEvent(new Event('pointerenter'));
    TestBed.inject(RunVisibility).hide(b.id);
    await fixture.whenStable();
    expect(rows()).toEqual([a.id, `${b.id} (gap)`, c.id]);
    expect(el.querySelector('onward-run-entry.gap')?.getAttribute('aria-hidden')).toBe('true');

    list.dispatchEvent(new Event('pointerleave'));
    await fixture.whenStable();
    expect(rows()).toEqual([a.id, c.id]);
  });

  it('puts back only the runs that left, at their former places', () => {
    const [a, b, c, d] = [makeRun(), makeRun(), makeRun(), makeRun()];
    const next = [a, d];
    expect(keepPlaces([a, b, c], next).map((r) => r.id)).toEqual([a.id, b.id, c.id, d.id]);
    expect(keepPlaces([a], next)).toBe(next);
  });
});
