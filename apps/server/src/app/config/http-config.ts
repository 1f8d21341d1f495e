import { isIP } from 'node:net';

import { ConfigError, type Environment } from './env-values';

/** What the HTTP side listens on and accepts: the address, the browser origins, the trusted proxies. */

export function parseHost(env: Environment): string | null {
  const raw = (env['HOST'] ?? '').trim();
  if (raw === '') return null;
  if (raw !== 'localhost' && isIP(raw) === 0) {
    throw new ConfigError('HOST', `must be an IP address or localhost, got "${raw}"`);
  }
  return raw;
}

export function parseCorsOrigins(env: Environment): string[] {
  const raw = (env['ONWARD_CORS_ORIGINS'] ?? '').trim();
  if (raw === '') return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let url: URL | null = null;
    try {
      url = new URL(origin);
    } catch {
      // named below
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin) {
      throw new ConfigError(
        'ONWARD_CORS_ORIGINS',
        `must list origins such as https://erp.example.com, got "${origin}"`,
      );
    }
    return origin;
  });
}

export function parseTrustProxy(env: Environment): boolean | string[] {
  const raw = (env['ONWARD_TRUST_PROXY'] ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    return (
      family === 0 || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))
    );
  });
  if (bad !== undefined) {
    throw new ConfigError(
      'ONWARD_TRUST_PROXY',
      `must be true, false, or proxy addresses such as 10.0.0.1,10.1.0.0/16; got "${bad}"`,
    );
  }
  return entries;
}
