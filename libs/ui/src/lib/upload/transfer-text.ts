import { numberFormat } from '../shared/intl-formats';

/** What one transfer of this window looks like now (see FileUploads). */
export interface TransferProgress {
  bytesSent: number;
  bytesTotal: number;
  /** Bytes per second, or null while unknown. */
  rate: number | null;
  /** Milliseconds left at that speed, or null while unknown. */
  remainingMs: number | null;
  /** `offline`: the browser lost its connection; the upload goes on when it is back. */
  state: 'uploading' | 'offline' | 'done';
}

const KIB = 1024;
const UNITS = [
  { unit: 'byte', size: 1 },
  { unit: 'kilobyte', size: KIB },
  { unit: 'megabyte', size: KIB ** 2 },
  { unit: 'gigabyte', size: KIB ** 3 },
] as const;

/** The largest unit that `bytes` has at least one of (bytes below a kilobyte). */
function unitFor(bytes: number): (typeof UNITS)[number] {
  return [...UNITS].reverse().find((u) => bytes >= u.size) ?? UNITS[0];
}

function number(locale: string, value: number, digits: number, unit?: string): string {
  return numberFormat(locale, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    ...(unit ? { style: 'unit', unit, unitDisplay: 'short' } : {}),
  }).format(value);
}

/** "12.4 of 27.0 MB": both amounts in the unit of the total, in the locale's digits. */
export function amountText(sent: number, total: number, locale: string): string {
  const u = unitFor(total);
  const digits = u.unit === 'byte' ? 0 : 1;
  const done = number(locale, Math.min(sent, total) / u.size, digits);
  const all = number(locale, total / u.size, digits, u.unit);
  return $localize`:@@onward.upload.amount:${done}:sent: of ${all}:total:`;
}

/** "2.1 MB/s". */
export function rateText(bytesPerSecond: number, locale: string): string {
  const u = unitFor(bytesPerSecond);
  return number(locale, bytesPerSecond / u.size, u.unit === 'byte' ? 0 : 1, `${u.unit}-per-second`);
}

/**
 * "about 6 sec left", "about 3 min left", "about 2 hr left" (the locale's short units): a transfer's
 * time left from its measured speed, to the second. A run's estimate is rounded as a person would
 * (`shared/time-left.ts`), since it is far less certain.
 */
export function transferTimeLeftText(ms: number, locale: string): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  const [value, unit] =
    seconds < 60
      ? [seconds, 'second']
      : seconds < 3600
        ? [Math.round(seconds / 60), 'minute']
        : [Math.round(seconds / 3600), 'hour'];
  const duration = number(locale, value, 0, unit);
  return $localize`:@@onward.upload.timeLeft:about ${duration}:duration: left`;
}

/** "12.4 of 27.0 MB · 2.1 MB/s · about 6 sec left", or with "waiting for the connection" while offline. */
export function transferText(progress: TransferProgress, locale: string): string {
  const parts = [amountText(progress.bytesSent, progress.bytesTotal, locale)];
  if (progress.state === 'offline') {
    parts.push($localize`:@@onward.upload.offline:waiting for the connection`);
  } else if (progress.state === 'uploading') {
    if (progress.rate !== null && progress.rate > 0) parts.push(rateText(progress.rate, locale));
    if (progress.remainingMs !== null) parts.push(transferTimeLeftText(progress.remainingMs, locale));
  }
  return parts.join(' · ');
}
