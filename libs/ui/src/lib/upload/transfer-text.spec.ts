import { TransferRate } from './transfer-rate';
import { amountText, rateText, transferTimeLeftText, transferText } from './transfer-text';

const MB = 1024 * 1024;

describe('TransferRate', () => {
  it('knows no speed until samples half a second apart', () => {
    const rate = new TransferRate();
    rate.add(0, 0);
    rate.add(200, MB);
    expect(rate.bytesPerSecond()).toBeNull();
    expect(rate.remainingMs(10 * MB)).toBeNull();
    rate.add(1000, 2 * MB);
    expect(rate.bytesPerSecond()).toBe(2 * MB);
    expect(rate.remainingMs(10 * MB)).toBe(4000);
  });

  it('follows the last seconds, not the whole transfer', () => {
    const rate = new TransferRate(5000);
    // 1 MB/s for ten seconds, then 4 MB/s.
    for (let s = 0; s <= 10; s++) rate.add(s * 1000, s * MB);
    for (let s = 1; s <= 6; s++) rate.add(10_000 + s * 1000, (10 + 4 * s) * MB);
    expect(rate.bytesPerSecond()).toBe(4 * MB);
  });

  it('starts afresh when the bytes go back (a resume from the server offset)', () => {
    const rate = new TransferRate();
    rate.add(0, 0);
    rate.add(1000, 8 * MB);
    rate.add(2000, 5 * MB);
    expect(rate.bytesPerSecond()).toBeNull();
    rate.add(3000, 7 * MB);
    expect(rate.bytesPerSecond()).toBe(2 * MB);
  });
});

describe('transfer texts', () => {
  it('writes "12.4 of 27.0 MB · 2.1 MB/s · about 6 sec left" while uploading', () => {
    const text = transferText(
      { bytesSent: 12.4 * MB, bytesTotal: 27 * MB, rate: 2.1 * MB, remainingMs: 5_600, state: 'uploading' },
      'en-US',
    );
    expect(text).toBe('12.4 of 27.0 MB · 2.1 MB/s · about 6 sec left');
  });

  it('leaves out what it does not know yet, and says when it waits for the connection', () => {
    expect(
      transferText({ bytesSent: 0, bytesTotal: 27 * MB, rate: null, remainingMs: null, state: 'uploading' }, 'en-US'),
    ).toBe('0.0 of 27.0 MB');
    expect(
      transferText(
        { bytesSent: 3 * MB, bytesTotal: 27 * MB, rate: MB, remainingMs: 24_000, state: 'offline' },
        'en-US',
      ),
    ).toBe('3.0 of 27.0 MB · waiting for the connection');
  });

  it('picks the unit by size and writes the numbers in the locale', () => {
    expect(amountText(300, 900, 'en-US')).toBe('300 of 900 byte');
    expect(amountText(512 * 1024, 1.5 * 1024 ** 3, 'en-US')).toBe('0.0 of 1.5 GB');
    expect(amountText(12.4 * MB, 27 * MB, 'de')).toBe('12,4 of 27,0 MB');
    expect(rateText(350 * 1024, 'en-US')).toBe('350.0 kB/s');
    expect(rateText(2.14 * MB, 'de')).toBe('2,1 MB/s');
  });

  it('rounds the time left to seconds, minutes or hours', () => {
    expect(transferTimeLeftText(200, 'en-US')).toBe('about 1 sec left');
    expect(transferTimeLeftText(59_000, 'en-US')).toBe('about 59 sec left');
    expect(transferTimeLeftText(150_000, 'en-US')).toBe('about 3 min left');
    expect(transferTimeLeftText(2 * 3600_000, 'en-US')).toBe('about 2 hr left');
  });
});
