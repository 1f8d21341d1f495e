import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { makeRun } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import type { MonitorClient } from '../client/monitor-client';
import { ResultDownload } from '../client/result-download';
import { RunActions } from '../shared/run-actions';

describe('PdfPreviewDialog', () => {
  let client: MonitorClient;
  const pdf = makeRun({
    task: 'print-preview',
    title: 'Print preview',
    display: { customer: 'Acme' },
    status: 'completed',
    result: { type: 'file', fileName: 'acme.pdf', contentType: 'application/pdf', size: 5 },
  });

  beforeEach(() => {
    ({ client } = setupWidget({ token: null }));
    // jsdom has no object URLs.
    URL.createObjectURL = jest.fn(() => 'blob:http://localhost/pdf-1');
    URL.revokeObjectURL = jest.fn();
  });

  afterEach(() => document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = '')));

  const stable = () => TestBed.inject(ApplicationRef).whenStable();
  const dialog = () => document.querySelector('onward-pdf-preview-dialog');
  const dialogButton = (label: string) =>
    [...(dialog()?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim() === label) as HTMLButtonElement;

  it('frames the PDF fetched inline with the token, with Download and Print beside it', async () => {
    let loaded!: () => void;
    const fetched = new Promise<void>((resolve) => (loaded = resolve));
    const fetch = jest.spyOn(client, 'fetchResult').mockImplementation(async () => {
      loaded();
      return new Blob(['%PDF-'], { type: 'application/pdf' });
    });
    await TestBed.inject(RunActions).openResult(pdf);
    await fetched;
    await stable();
    expect(fetch).toHaveBeenCalledWith(pdf.id, true);
    const frame = dialog()?.querySelector('iframe') as HTMLIFrameElement;
    expect(frame.getAttribute('src')).toBe('blob:http://localhost/pdf-1');
    expect(frame.title).toBe('Preview of Print preview · Acme');
    expect(dialogButton('Print').disabled).toBe(false);

    const save = jest.spyOn(TestBed.inject(ResultDownload), 'save').mockImplementation(() => undefined);
    dialogButton('Download').click();
    expect(save).toHaveBeenCalledWith(expect.any(Blob), 'acme.pdf');

    dialogButton('Close').click();
    await stable();
    expect(dialog()).toBeNull();
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:http://localhost/pdf-1');
  });

  it('says so when the PDF cannot be fetched', async () => {
    let failed!: () => void;
    const attempted = new Promise<void>((resolve) => (failed = resolve));
    jest.spyOn(client, 'fetchResult').mockImplementation(async () => {
      failed();
      throw new Error('The result is gone');
    });
    await TestBed.inject(RunActions).openResult(pdf);
    await attempted;
    await stable();
    expect(dialog()?.querySelector('[role=alert]')?.textContent).toContain('The preview could not be loaded');
    expect(dialogButton('Download').disabled).toBe(true);
  });

  it('downloads any other file as before', async () => {
    const download = jest.spyOn(client, 'downloadResult').mockResolvedValue();
    const zip = makeRun({
      status: 'completed',
      result: { type: 'file', fileName: 'a.zip', contentType: 'application/zip', size: 5 },
    });
    await TestBed.inject(RunActions).openResult(zip);
    expect(download).toHaveBeenCalledWith(zip);
    expect(dialog()).toBeNull();
  });
});
