import { plural } from './plural';
import { formatNumber } from './intl-formats';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * An expected time left as a person says it: "less than a minute", "about 4 min", "about 25 min"
 * (fives from ten minutes on), "about 2 h", "about 3 days". Never more precise than an estimate is.
 */
export function timeLeftText(ms: number, locale?: string): string {
  const number = (n: number) => formatNumber(n, locale);
  if (!(ms >= MINUTE)) return $localize`:@@onward.timeLeft.underMinute:less than a minute`;
  let minutes = Math.round(ms / MINUTE);
  if (minutes > 10) minutes = Math.round(minutes / 5) * 5;
  if (minutes < 60) return $localize`:@@onward.timeLeft.minutes:about ${number(minutes)}:minutes: min`;
  if (ms < 36 * HOUR) {
    const hours = Math.round(ms / HOUR);
    return $localize`:@@onward.timeLeft.hours:about ${number(hours)}:hours: h`;
  }
  return plural(
    Math.round(ms / DAY),
    {
      one: $localize`:@@onward.timeLeft.dayOne:about # day`,
      other: $localize`:@@onward.timeLeft.days:about # days`,
    },
    locale,
  );
}

/** "about 3 min left": the entry's line for a run with an estimate. */
export function timeLeftLine(ms: number, locale?: string): string {
  const left = timeLeftText(ms, locale);
  return $localize`:@@onward.timeLeft.line:${left}:timeLeft: left`;
}
