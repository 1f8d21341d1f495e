import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { ALICE, nextRequest } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import { RunningTasksButton } from '../button/running-tasks-button';
import { MonitorPanel } from './monitor-panel';
import { MonitorPanelState } from './monitor-panel-state';

@Component({
  selector: 'onward-test-host',
  imports: [MonitorPanel, RunningTasksButton],
  template: `<onward-running-tasks-button /><onward-monitor-panel />`,
})
class Host {}

describe('MonitorPanel', () => {
  beforeEach(() => {
    localStorage.clear();
    Object.assign(window, { innerWidth: 1200, innerHeight: 800 });
  });

  async function setup() {
    const widget = setupWidget();
    // Log alice in: the panel remembers its place per user.
    widget.sockets.last.fire('connect');
    (await nextRequest(widget.http, '/api/auth/me')).flush(ALICE);
    (await nextRequest(widget.http, '/api/tasks')).flush([]);
    (await nextRequest(widget.http, /\/api\/runs\?limit=200$/)).flush({ items: [], nextCursor: null });
    const state = TestBed.inject(MonitorPanelState);
    const fixture = TestBed.createComponent(MonitorPanel);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const panel = () => el.querySelector<HTMLElement>('.panel');
    return { ...widget, state, fixture, el, panel };
  }

  function pointer(target: Element, type: string, x: number, y: number) {
    target.dispatchEvent(new MouseEvent(type, { bubbles: true, button: 0, clientX: x, clientY: y }));
  }

  it('is hidden until opened, then floats at the default place', async () => {
    const { state, fixture, panel } = await setup();
    expect(panel()).toBeNull();
    state.show();
    await fixture.whenStable();
    expect(panel()?.getAttribute('role')).toBe('dialog');
    expect(panel()?.style.left).toBe(`${1200 - 440 - 16}px`);
    expect(panel()?.style.width).toBe('440px');
  });

  it('moves with the title bar and remembers the place for the user', async () => {
    const { state, fixture, panel } = await setup();
    state.show();
    await fixture.whenStable();
    const bar = panel()?.querySelector('.titlebar') as HTMLElement;
    pointer(bar, 'pointerdown', 900, 200);
    pointer(bar, 'pointermove', 600, 100);
    // During the drag the style follows the pointer directly.
    expect(panel()?.style.left).toBe(`${744 - 300}px`);
    pointer(bar, 'pointerup', 600, 100);
    await fixture.whenStable();
    expect(state.rect()).toEqual({ x: 444, y: 84, width: 440, height: 600 });
    const stored = JSON.parse(localStorage.getItem('onward.monitor.panel.u-alice') ?? 'null');
    expect(stored).toEqual({ rect: { x: 444, y: 84, width: 440, height: 600 }, open: true, minimized: false });
  });

  it('resizes from a corner handle, within the viewport', async () => {
    const { state, fixture, panel } = await setup();
    state.show();
    await fixture.whenStable();
    const handle = panel()?.querySelector('.handle-nw') as HTMLElement;
    pointer(handle, 'pointerdown', 744, 184);
    pointer(handle, 'pointermove', 0, 0);
    pointer(handle, 'pointerup', 0, 0);
    await fixture.whenStable();
    expect(state.rect()).toEqual({ x: 0, y: 0, width: 1184, height: 784 });
  });

  it('moves and resizes with the keyboard', async () => {
    const { state, fixture, panel } = await setup();
    state.show();
    await fixture.whenStable();
    const bar = panel()?.querySelector('.titlebar') as HTMLElement;
    bar.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    expect(state.rect()?.x).toBe(744 - 16);
    bar.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', shiftKey: true, bubbles: true }));
    expect(state.rect()?.height).toBe(600 - 16);
  });

  it('restores a returning user’s panel where it was', async () => {
    localStorage.setItem(
      'onward.monitor.panel.u-alice',
      JSON.stringify({ rect: { x: 10, y: 20, width: 500, height: 400 }, open: true, minimized: false }),
    );
    const { fixture, panel } = await setup();
    await fixture.whenStable();
    expect(panel()?.style.left).toBe('10px');
    expect(panel()?.style.top).toBe('20px');
    expect(panel()?.style.height).toBe('400px');
  });

  it('minimises to its title bar and pops out into a window of its own', async () => {
    const { state, fixture, panel, el } = await setup();
    state.show();
    await fixture.whenStable();
    (el.querySelector('button[aria-label="Minimise the panel"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(panel()?.classList).toContain('minimized');
    expect(el.querySelector('onward-monitor-view')).toBeNull();

    const open = jest.spyOn(window, 'open').mockReturnValue({} as Window);
    (el.querySelector('button[aria-label="Open the monitor in a new window"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(open).toHaveBeenCalledWith('/monitor', 'onward-monitor', expect.stringContaining('popup'));
    expect(panel()).toBeNull();
  });

  it('takes keyboard focus when opened from the button, and gives it back when closed', async () => {
    setupWidget();
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const trigger = el.querySelector('onward-running-tasks-button button') as HTMLButtonElement;
    trigger.click();
    await fixture.whenStable();
    expect(document.activeElement?.classList).toContain('titlebar');
    (document.activeElement as HTMLElement).dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }),
    );
    await fixture.whenStable();
    expect(el.querySelector('.panel')).toBeNull();
    expect(document.activeElement).toBe(trigger);
  });

  it('turns text selection off on the page during a drag, and back on after it', async () => {
    const { state, fixture, panel } = await setup();
    state.show();
    await fixture.whenStable();
    const bar = panel()?.querySelector('.titlebar') as HTMLElement;
    pointer(bar, 'pointerdown', 900, 200);
    expect(document.documentElement.style.userSelect).toBe('none');
    pointer(bar, 'pointermove', -50, 100);
    pointer(bar, 'pointerup', -50, 100);
    expect(document.documentElement.style.userSelect).toBe('');
  });

  it('fills a phone screen as a sheet that neither drags nor resizes', async () => {
    Object.assign(window, { innerWidth: 390, innerHeight: 844 });
    const { state, fixture, panel } = await setup();
    state.show();
    await fixture.whenStable();
    expect(panel()?.classList).toContain('sheet');
    expect([panel()?.style.left, panel()?.style.top, panel()?.style.width, panel()?.style.height]).toEqual([
      '0px',
      '0px',
      '390px',
      '844px',
    ]);
    expect(panel()?.querySelector('.handle')).toBeNull();
    const bar = panel()?.querySelector('.titlebar') as HTMLElement;
    pointer(bar, 'pointerdown', 100, 20);
    pointer(bar, 'pointermove', 50, 300);
    pointer(bar, 'pointerup', 50, 300);
    bar.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', bubbles: true }));
    await fixture.whenStable();
    expect(panel()?.style.left).toBe('0px');
    expect(panel()?.style.top).toBe('0px');
    expect(state.placement()).toEqual({ rect: { x: 0, y: 0, width: 390, height: 844 }, sheet: true });
  });
});
