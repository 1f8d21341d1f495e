/**
 * Suites that need the real PostgreSQL and/or Redis on this machine. Outside CI a service that does
 * not answer skips the suite with one warning; in CI (CI=true) nothing is probed, so the suite runs
 * and a missing service fails it.
 *
 * No jest types here (jest's `describe` is typed below): src/ test support without jest globals
 * (demo-databases.testing.ts) uses this file and type-checks with the app.
 */
import { inCi, POSTGRES_URL, postgresReachable } from './databases';
import { REDIS_URL, redisReachable } from './redis';

export type Service = 'postgres' | 'redis';

/** What the helper needs of jest's `describe`. */
type Suite = (title: string, body: () => void) => void;
type Describe = Suite & { skip: Suite };

// Read when a suite is declared, not when this file loads (databases.ts imports it in turn).
const SERVICES: Record<Service, { name: () => string; answers: () => boolean }> = {
  postgres: { name: () => `PostgreSQL at ${POSTGRES_URL}`, answers: () => postgresReachable() },
  redis: { name: () => `Redis at ${REDIS_URL}`, answers: () => redisReachable() },
};

/**
 * Whether the suite `title`, which needs `services`, is to be skipped: only outside CI, when one of
 * them does not answer, and then after one warning naming those and the suite.
 */
function skipsWithout(services: readonly Service[], title: string): boolean {
  if (inCi()) return false;
  const missing = services.filter((service) => !SERVICES[service].answers());
  if (missing.length === 0) return false;
  console.warn(
    `\n⚠ ${missing.map((service) => SERVICES[service].name()).join(' and ')} unreachable: skipping "${title}". ` +
      'In CI (CI=true) this fails the run instead.\n',
  );
  return true;
}

/** `describe(title, body)` for a suite that needs `services`: skipped (with a warning) as `skipsWithout` says. */
export function describeNeeding(services: readonly Service[], title: string, body: () => void): void {
  const jestDescribe = (globalThis as unknown as { describe: Describe }).describe;
  (skipsWithout(services, title) ? jestDescribe.skip : jestDescribe)(title, body);
}
