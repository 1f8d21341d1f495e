import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { ConfigError, type Environment, parseUrl, required } from './env-values';

/**
 * Who the callers are and what signs their tokens: local accounts or the host's JWTs (`ONWARD_AUTH`,
 * `ONWARD_JWT_*`), Onward's own signing key, the first admin, the demo identity provider.
 */

/** The claims of a host token that Onward reads (`ONWARD_JWT_*_CLAIM`). */
export interface JwtClaimNames {
  /** The user's stable id (default `sub`). */
  id: string;
  /** The display name (default `name`, else the username claim). */
  name: string;
  /** The login name (default `preferred_username`, else the id). */
  username: string;
  /** An array of role names (default `roles`). */
  roles: string;
}

export type JwtAlgorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';
const JWT_ALGORITHMS: JwtAlgorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** Who the callers are: Onward's own users, or the host application's tokens. */
export type AuthConfig =
  | { mode: 'local' }
  | {
      mode: 'jwt';
      /** Exactly one of `jwksUrl` and `publicKeyPem` is set. */
      jwksUrl: string | null;
      publicKeyPem: string | null;
      issuer: string;
      audience: string;
      /** Asymmetric algorithms only: never `none` or an HMAC. */
      algorithms: JwtAlgorithm[];
      adminRole: string;
      claims: JwtClaimNames;
    };

/** The shortest signing key accepted: 256 bits, as HS256 wants. */
const MIN_SECRET_BYTES = 32;

/**
 * Reads the key from the environment, else from (or into) `jwt-secret` in the data folder. The file
 * is written whole under a temporary name and then linked into place, which fails if it exists: of
 * processes that start together on one data folder, one creates it and every other reads that one.
 */
export function jwtSecret(env: Environment, dataDir: string): string {
  const raw = env['ONWARD_JWT_SECRET'];
  if (raw !== undefined && raw !== '') {
    if (Buffer.byteLength(raw) < MIN_SECRET_BYTES) {
      throw new ConfigError('ONWARD_JWT_SECRET', `must be at least ${MIN_SECRET_BYTES} bytes long`);
    }
    return raw;
  }
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(48).toString('base64url'));
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temporary, file); // atomic, and refuses to replace a file another process made first
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(temporary, { force: true });
    }
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new ConfigError(
      'ONWARD_JWT_SECRET',
      `is unset and ${file} holds ${secret ? 'a key shorter than' : 'no key, not even'} ${MIN_SECRET_BYTES} bytes: delete the file to have a new key made, or set ONWARD_JWT_SECRET`,
    );
  }
  return secret;
}

function claimName(env: Environment, name: string, fallback: string): string {
  const raw = (env[name] ?? '').trim();
  if (raw === '') return fallback;
  if (!/^[A-Za-z0-9_:/.-]{1,200}$/.test(raw)) throw new ConfigError(name, `must be a claim name, got "${raw}"`);
  return raw;
}

export function parseAuth(env: Environment): AuthConfig {
  const mode = (env['ONWARD_AUTH'] ?? '').trim() || 'local';
  if (mode === 'local') return { mode };
  if (mode !== 'jwt') throw new ConfigError('ONWARD_AUTH', `must be local or jwt, got "${mode}"`);
  const jwksUrl = parseUrl(env, 'ONWARD_JWT_JWKS_URL', ['https:', 'http:']);
  const pem = (env['ONWARD_JWT_PUBLIC_KEY'] ?? '').trim().replace(/\\n/g, '\n');
  if (!jwksUrl === !pem) {
    throw new ConfigError(
      jwksUrl ? 'ONWARD_JWT_PUBLIC_KEY' : 'ONWARD_JWT_JWKS_URL',
      'or ONWARD_JWT_PUBLIC_KEY: exactly one must be set with ONWARD_AUTH=jwt',
    );
  }
  if (pem && !/^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----$/.test(pem)) {
    throw new ConfigError('ONWARD_JWT_PUBLIC_KEY', 'must be a PEM public key (-----BEGIN PUBLIC KEY----- …)');
  }
  const algorithms = (env['ONWARD_JWT_ALGORITHMS'] ?? 'RS256,ES256')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const unknown = algorithms.find((a) => !JWT_ALGORITHMS.includes(a as JwtAlgorithm));
  if (unknown !== undefined || algorithms.length === 0) {
    throw new ConfigError(
      'ONWARD_JWT_ALGORITHMS',
      `must list asymmetric algorithms among ${JWT_ALGORITHMS.join(', ')}; got "${unknown ?? ''}"`,
    );
  }
  return {
    mode,
    jwksUrl: jwksUrl?.toString() ?? null,
    publicKeyPem: pem || null,
    issuer: required(env, 'ONWARD_JWT_ISSUER', "with ONWARD_AUTH=jwt (the iss of the host's tokens)"),
    audience: required(env, 'ONWARD_JWT_AUDIENCE', "with ONWARD_AUTH=jwt (the aud of the host's tokens)"),
    algorithms: algorithms as JwtAlgorithm[],
    adminRole: (env['ONWARD_JWT_ADMIN_ROLE'] ?? '').trim() || 'onward-admin',
    claims: {
      id: claimName(env, 'ONWARD_JWT_ID_CLAIM', 'sub'),
      name: claimName(env, 'ONWARD_JWT_NAME_CLAIM', 'name'),
      username: claimName(env, 'ONWARD_JWT_USERNAME_CLAIM', 'preferred_username'),
      roles: claimName(env, 'ONWARD_JWT_ROLES_CLAIM', 'roles'),
    },
  };
}

export function parseBootstrapAdmin(env: Environment): { username: string; password: string } | null {
  const raw = env['ONWARD_BOOTSTRAP_ADMIN'];
  if (raw === undefined || raw === '') return null;
  const colon = raw.indexOf(':');
  const username = colon > 0 ? raw.slice(0, colon) : '';
  const password = colon > 0 ? raw.slice(colon + 1) : '';
  if (!/^[A-Za-z0-9_.@-]{1,100}$/.test(username) || password.length < 8) {
    throw new ConfigError(
      'ONWARD_BOOTSTRAP_ADMIN',
      'must be name:password (a name of letters, digits, _ . @ -, a password of at least 8 characters)',
    );
  }
  return { username, password };
}

export function parseDemoIdpUrl(env: Environment, auth: AuthConfig, production: boolean): string | null {
  const url = parseUrl(env, 'ONWARD_DEMO_IDP_URL', ['http:', 'https:']);
  if (!url) return null;
  if (auth.mode !== 'jwt') throw new ConfigError('ONWARD_DEMO_IDP_URL', 'needs ONWARD_AUTH=jwt');
  if (production) {
    throw new ConfigError('ONWARD_DEMO_IDP_URL', 'is a demo setting and is refused under NODE_ENV=production');
  }
  return url.toString().replace(/\/+$/, '');
}
