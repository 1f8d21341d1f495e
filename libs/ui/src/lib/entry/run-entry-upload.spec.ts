import { TestBed } from '@angular/core/testing';
import type { RunView } from '@onward/task-domain';

import { makeRun, nextRequest } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import { FakeTus } from '../../testing/tus';
import { FileUploads } from '../upload/file-uploads';
import { RunEntry } from './run-entry';

const MB = 1024 * 1024;

function uploadRun(overrides: Partial<RunView> = {}): RunView {
  return makeRun({
    id: 'up-1',
    task: 'upload',
    title: 'Upload',
    kind: 'upload',
    display: { fileName: 'orders.csv' },
    progress: { percent: 40, message: '10.8 MB of 27 MB received' },
    ...overrides,
  });
}

describe('RunEntry of uploads, imports and exports', () => {
  let tus: FakeTus;
  let widget: ReturnType<typeof setupWidget>;

  beforeEach(() => {
    tus = new FakeTus();
    widget = setupWidget({ providers: [tus.provider] });
  });

  afterEach(() => jest.restoreAllMocks());

  async function render(run: RunView) {
    const fixture = TestBed.createComponent(RunEntry);
    fixture.componentRef.setInput('run', run);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    return { fixture, el, text: () => el.textContent?.replace(/\s+/g, ' ') ?? '' };
  }

  /** An upload of this window, 12.4 of 27 MB sent at 2 MB/s. */
  async function sending(): Promise<{ done: Promise<string> }> {
    const now = jest.spyOn(Date, 'now').mockReturnValue(0);
    const done = TestBed.inject(FileUploads).upload(new File(['x'], 'orders.csv'));
    const upload = await tus.started();
    upload.created('http://localhost/api/uploads/up-1');
    upload.progress(8.4 * MB, 27 * MB);
    now.mockReturnValue(2000);
    upload.progress(12.4 * MB, 27 * MB);
    // Wrapped: an async function would wait for the promise it returns.
    return { done };
  }

  it('shows the bytes, speed and time left of an upload this window sends, with its own percent', async () => {
    void (await sending()).done.catch(() => undefined);
    const { el, text } = await render(uploadRun());
    expect(text()).toContain('Upload · orders.csv');
    expect(text()).toContain('12.4 of 27.0 MB · 2.0 MB/s · about 8 sec left');
    expect(text()).not.toContain('received');
    expect(text()).toContain('46%');
    expect(el.querySelector('.kind-icon')?.getAttribute('data-icon')).toBe('uploadFile');
  });

  it('shows the server percent and message in a window that does not send the upload', async () => {
    const { text } = await render(uploadRun());
    expect(text()).toContain('40%');
    expect(text()).toContain('10.8 MB of 27 MB received');
  });

  it('says which run took over the uploaded file', async () => {
    const { done } = await sending();
    tus.last.succeed();
    await done;
    TestBed.inject(FileUploads).handOver('up-1', { id: 'imp-1', title: 'Import orders' });
    const { text } = await render(
      uploadRun({
        status: 'completed',
        finishedAt: '2026-01-01T12:01:00.000Z',
        progress: { percent: 100, message: null },
        result: { type: 'file', fileName: 'orders.csv', contentType: 'text/csv', size: 27 * MB },
      }),
    );
    expect(text()).toContain('Handed over to Import orders');
  });

  it('aborts the upload in this window when its entry is cancelled', async () => {
    const { done } = await sending();
    const { el } = await render(uploadRun());
    const cancel = [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('Cancel'));
    cancel?.click();
    await expect(done).rejects.toMatchObject({ reason: 'aborted' });
    expect(tus.last.aborted).toEqual([false]);
    (await nextRequest(widget.http, '/api/runs/up-1/cancel', 'POST')).flush(
      uploadRun({ status: 'cancelled', version: 2 }),
    );
  });

  it('reads an import run progress message as the server words it', async () => {
    const { text, el } = await render(
      makeRun({
        task: 'import-orders',
        title: 'Import orders',
        kind: 'task',
        display: { file: 'orders.csv' },
        progress: { percent: 30, message: 'Row 3,000 of 10,000' },
      }),
    );
    expect(text()).toContain('Import orders · orders.csv');
    expect(text()).toContain('Row 3,000 of 10,000');
    expect(el.querySelector('.kind-icon')?.getAttribute('data-icon')).toBe('importData');
  });

  it('gives an export its own icon, and other runs none', async () => {
    const exp = await render(makeRun({ task: 'export-orders', title: 'Export orders', display: { year: 2025 } }));
    expect(exp.el.querySelector('.kind-icon')?.getAttribute('data-icon')).toBe('exportData');
    const sales = await render(makeRun());
    expect(sales.el.querySelector('.kind-icon')).toBeNull();
  });
});
