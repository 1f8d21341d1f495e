import { dateTimeFormat, numberFormat } from './intl-formats';

describe('intl-formats', () => {
  it('makes a formatter once per locale and options, and formats as Intl does', () => {
    const time = dateTimeFormat('nl', { hour: '2-digit', minute: '2-digit' });
    expect(dateTimeFormat('nl', { hour: '2-digit', minute: '2-digit' })).toBe(time);
    expect(dateTimeFormat('en', { hour: '2-digit', minute: '2-digit' })).not.toBe(time);
    expect(dateTimeFormat('nl', { dateStyle: 'short' })).not.toBe(time);
    const at = new Date(Date.UTC(2026, 11, 4, 14, 2));
    expect(time.format(at)).toBe(new Intl.DateTimeFormat('nl', { hour: '2-digit', minute: '2-digit' }).format(at));
    expect(numberFormat('nl', { maximumFractionDigits: 1 }).format(1234.56)).toBe('1.234,6');
    expect(numberFormat('nl', { maximumFractionDigits: 1 })).toBe(numberFormat('nl', { maximumFractionDigits: 1 }));
  });
});
