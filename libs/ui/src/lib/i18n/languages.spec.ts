import { formatDate } from '@angular/common';
import { clearTranslations } from '@angular/localize';

import { formatBytes, formatDuration, schedulerLine, statusLook } from '../shared/run-format';
import { relativeTime } from '../shared/run-times';
import { timeLeftLine } from '../shared/time-left';
import { transferText } from '../upload/transfer-text';
import { applyOnwardLocale, languageOf } from './languages';

describe('the widget in Dutch', () => {
  beforeAll(() => applyOnwardLocale('nl'));
  afterAll(() => clearTranslations());

  it('translates texts read after the locale is applied', () => {
    expect(statusLook('failed').label).toBe('Mislukt');
    expect(timeLeftLine(3 * 60_000, 'nl')).toBe('nog ongeveer 3 min');
    expect(formatDuration(3 * 86_400_000 + 2 * 3_600_000)).toBe('3 d 2 u');
  });

  it('writes numbers, sizes and dates as Dutch does', () => {
    expect(formatBytes(1_500_000, 'nl')).toBe('1,4 MB');
    expect(formatDate('2025-12-04T10:00:00Z', 'EEEE d MMM', 'nl', 'UTC')).toBe('donderdag 4 dec');
    const today = new Date(2025, 11, 10).getTime();
    expect(relativeTime(new Date(2025, 11, 3, 14, 5).toISOString(), today, 'nl')).toBe('3 dec, 14:05');
    const line = schedulerLine(
      {
        total: 1200,
        completed: 1000,
        failed: 1,
        cancelled: 0,
        current: { id: 'c', title: 'T', display: {}, progress: { percent: null, message: null } },
      },
      'nl',
    );
    expect(line).toBe('1.002 van 1.200');
    expect(
      transferText(
        { bytesSent: 1_300_000, bytesTotal: 2_800_000, rate: null, remainingMs: null, state: 'uploading' } as never,
        'nl',
      ),
    ).toContain('1,2');
  });

  it('keeps the English texts for a language it does not ship', () => {
    expect(languageOf('de-AT')).toBe('de');
    clearTranslations();
    applyOnwardLocale('de');
    expect(statusLook('failed').label).toBe('Failed');
    applyOnwardLocale('nl');
  });
});
