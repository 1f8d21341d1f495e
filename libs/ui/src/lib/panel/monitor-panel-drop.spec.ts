import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { setupWidget } from '../../testing/setup';
import { RunLauncher } from '../launch/run-launcher';
import { MonitorPanel } from './monitor-panel';
import { MonitorPanelState } from './monitor-panel-state';

@Component({
  selector: 'onward-test-host',
  imports: [MonitorPanel],
  template: `<onward-monitor-panel [importTask]="importTask()" />`,
})
class Host {
  readonly importTask = signal<string | null>('import-orders');
}

/** A drag event as the browser sends it for files from the desktop (jsdom has no DragEvent). */
function drag(type: string, files: File[], types = ['Files']): Event {
  const event = new Event(type, { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'dataTransfer', { value: { types, files, dropEffect: 'none' } });
  return event;
}

describe('MonitorPanel as a drop target', () => {
  let upload: jest.SpyInstance;

  async function setup() {
    setupWidget();
    upload = jest.spyOn(TestBed.inject(RunLauncher), 'upload').mockResolvedValue(null);
    TestBed.inject(MonitorPanelState).show();
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const panel = (fixture.nativeElement as HTMLElement).querySelector<HTMLElement>('.panel');
    if (!panel) throw new Error('the panel is not open');
    return { fixture, panel };
  }

  it('highlights while files are dragged over it, through its children too', async () => {
    const { fixture, panel } = await setup();
    const file = new File(['a'], 'orders.csv');
    panel.dispatchEvent(drag('dragenter', [file]));
    panel.querySelector('.titlebar')?.dispatchEvent(drag('dragenter', [file]));
    panel.querySelector('.titlebar')?.dispatchEvent(drag('dragleave', [file]));
    await fixture.whenStable();
    expect(panel.classList).toContain('onward-drop-active');
    expect(panel.textContent).toContain('Drop files here to import them');
    panel.dispatchEvent(drag('dragleave', [file]));
    await fixture.whenStable();
    expect(panel.classList).not.toContain('onward-drop-active');
  });

  it('uploads each dropped file and hands it to the configured import task', async () => {
    const { fixture, panel } = await setup();
    const a = new File(['a'], 'a.csv');
    const b = new File(['b'], 'b.csv');
    const over = drag('dragover', [a, b]);
    panel.dispatchEvent(over);
    expect(over.defaultPrevented).toBe(true);
    const dropped = drag('drop', [a, b]);
    panel.dispatchEvent(dropped);
    await fixture.whenStable();
    expect(dropped.defaultPrevented).toBe(true);
    expect(upload.mock.calls).toEqual([
      [a, { task: 'import-orders' }],
      [b, { task: 'import-orders' }],
    ]);
    expect(panel.classList).not.toContain('onward-drop-active');
  });

  it('only uploads when the host named no import task', async () => {
    const { fixture, panel } = await setup();
    fixture.componentInstance.importTask.set(null);
    await fixture.whenStable();
    const a = new File(['a'], 'a.csv');
    panel.dispatchEvent(drag('dragenter', [a]));
    await fixture.whenStable();
    expect(panel.textContent).toContain('Drop files here to upload them');
    panel.dispatchEvent(drag('drop', [a]));
    expect(upload).toHaveBeenCalledWith(a, {});
  });

  it('leaves drags of text and links to the page', async () => {
    const { panel } = await setup();
    const over = drag('dragover', [], ['text/plain']);
    panel.dispatchEvent(over);
    expect(over.defaultPrevented).toBe(false);
    panel.dispatchEvent(drag('drop', [], ['text/plain']));
    expect(upload).not.toHaveBeenCalled();
  });
});
