import { TestBed } from '@angular/core/testing';

import { makeRun } from '../../testing/fakes';
import { ResultDownload } from './result-download';

describe('ResultDownload', () => {
  it('names the file like the server, or after task and id for a value', () => {
    const download = TestBed.inject(ResultDownload);
    const file = makeRun({ result: { type: 'file', fileName: 'sales.pdf', contentType: 'application/pdf', size: 3 } });
    expect(download.fileName(file)).toBe('sales.pdf');
    const value = makeRun({ id: 'r9', task: 'recalculate-prices', result: { type: 'value', value: 1 } });
    expect(download.fileName(value)).toBe('recalculate-prices-r9');
  });

  it('clicks a temporary link to the blob with the download name, and leaves nothing in the page', () => {
    const download = TestBed.inject(ResultDownload);
    // jsdom has no object URLs.
    const create = jest.fn(() => 'blob:1');
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: jest.fn() });
    const clicked: { href: string; download: string }[] = [];
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push({ href: this.href, download: this.download });
    });
    const blob = new Blob(['pdf']);
    download.save(blob, 'sales.pdf');
    expect(create).toHaveBeenCalledWith(blob);
    expect(clicked).toEqual([{ href: 'blob:1', download: 'sales.pdf' }]);
    expect(document.querySelector('a[download]')).toBeNull();
    click.mockRestore();
  });
});
