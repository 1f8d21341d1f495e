import { ConfigError, type Environment } from './env-values';

export type LogFormat = 'json' | 'pretty';

/**
 * `ONWARD_METRICS_TOKEN`: the bearer token a Prometheus scrape of `/metrics` must send; null (unset)
 * keeps `/metrics` off, so that nothing about the server is readable without a deliberate choice.
 */
export function parseMetricsToken(env: Environment): string | null {
  const token = (env['ONWARD_METRICS_TOKEN'] ?? '').trim();
  return token === '' ? null : token;
}

/** `ONWARD_LOG_FORMAT`: `json` or `pretty`; by default pretty for a person at a terminal, JSON for a collector. */
export function parseLogFormat(env: Environment, isTty: boolean): LogFormat {
  const raw = (env['ONWARD_LOG_FORMAT'] ?? '').trim().toLowerCase();
  if (raw === '') return isTty ? 'pretty' : 'json';
  if (raw !== 'json' && raw !== 'pretty') {
    throw new ConfigError('ONWARD_LOG_FORMAT', `must be json or pretty, got "${raw}"`);
  }
  return raw;
}
