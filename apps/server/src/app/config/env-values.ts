/**
 * The environment's value types, each checked with a message that names the variable: the pieces
 * `loadConfig` and its parts (auth, HTTP) are built from.
 */

/** A bad environment value; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export type Environment = Record<string, string | undefined>;

export function positiveInt(env: Environment, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < 1 || value > max) throw new ConfigError(name, `must be between 1 and ${max}, got ${value}`);
  return value;
}

export function milliseconds(env: Environment, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || value > max) {
    throw new ConfigError(name, `must be a whole number of milliseconds from 0 to ${max}, got "${raw}"`);
  }
  return value;
}

export function parseUrl(env: Environment, name: string, protocols: string[]): URL | null {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid URL: "${raw}"`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${raw}"`);
  }
  return url;
}

export function bool(env: Environment, name: string, fallback: boolean): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
  return raw === 'true';
}

export const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30d`, `12h`, `10m`, `45s` or `0` (forever), in milliseconds. */
export function duration(env: Environment, name: string, fallback: number): number {
  const raw = (env[name] ?? '').trim();
  if (raw === '') return fallback;
  if (raw === '0') return 0;
  const match = /^(\d{1,6})([smhd])$/.exec(raw);
  if (!match || Number(match[1]) === 0) {
    throw new ConfigError(
      name,
      `must be a duration such as 30d, 12h, 10m or 45s, or 0 to keep everything; got "${raw}"`,
    );
  }
  return Number(match[1]) * DURATION_UNITS[match[2]];
}

export function required(env: Environment, name: string, why: string): string {
  const raw = (env[name] ?? '').trim();
  if (raw === '') throw new ConfigError(name, `must be set ${why}`);
  return raw;
}
