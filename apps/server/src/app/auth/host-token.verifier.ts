import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createRemoteJWKSet, errors, importSPKI, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';

import { UnauthorizedError } from '../common/domain-errors';
import { ONWARD_CONFIG } from '../config/config.module';
import type { JwtAlgorithm, JwtClaimNames } from '../config/auth-config';
import { ConfigError } from '../config/env-values';
import type { OnwardConfig } from '../config/onward-config';
import type { AuthUser } from './auth-user';
import { HostUsers } from './host-users.service';

/** A host user as its token describes them, before Onward stores them. */
export interface HostIdentity {
  /** The id claim (`sub`): the user's id in Onward too. */
  id: string;
  /** The username claim, else the id. */
  username: string;
  /** The name claim, else the username claim, else the id. */
  displayName: string;
  admin: boolean;
}

/** A verified token: its user and when it expires (ms since the epoch). */
export interface VerifiedToken {
  user: AuthUser;
  expiresAt: number;
}

/**
 * An unknown `kid` makes jose fetch the key set again only once this long has passed since its last
 * successful fetch: a stream of forged `kid`s cannot turn Onward into a client that hammers the host.
 */
export const JWKS_COOLDOWN_MS = 60_000;

/** Longest id Onward stores (`users.id`, `runs.owner_id`). */
const MAX_ID_LENGTH = 255;

/** A claim by its exact name, else by a dotted path (Keycloak's `realm_access.roles`). */
function claim(payload: JWTPayload, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(payload, name)) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, part)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Maps a verified payload to the host user it names; null when it lacks a usable id. */
export function hostIdentity(payload: JWTPayload, names: JwtClaimNames, adminRole: string): HostIdentity | null {
  const id = claim(payload, names.id);
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH) return null;
  const username = text(claim(payload, names.username)) ?? id;
  const roles = claim(payload, names.roles);
  return {
    id,
    username,
    displayName: text(claim(payload, names.name)) ?? username,
    admin: Array.isArray(roles) && roles.includes(adminRole),
  };
}

/**
 * Verifies the host application's access tokens (`ONWARD_AUTH=jwt`) with jose: the signature by a
 * key of the host's JWKS (by `kid`) or the configured PEM key, only with the configured asymmetric
 * algorithms (so never `none` or an HMAC keyed with the public key), the issuer, the audience and
 * the expiry, which is required. The user is then stored (`HostUsers`).
 */
@Injectable()
export class HostTokenVerifier implements OnModuleInit {
  private readonly logger = new Logger(HostTokenVerifier.name);
  private keys: JWTVerifyGetKey | null = null;
  private lastKeySetWarning = 0;

  constructor(
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    private readonly users: HostUsers,
  ) {}

  async onModuleInit(): Promise<void> {
    const auth = this.config.auth;
    if (auth.mode !== 'jwt') return;
    if (auth.jwksUrl) {
      this.keys = createRemoteJWKSet(new URL(auth.jwksUrl), { cooldownDuration: JWKS_COOLDOWN_MS });
      return;
    }
    // importSPKI binds a key to one algorithm: import the PEM for each configured algorithm it fits
    // (an RSA key for RS*/PS*, an EC key for its curve's ES*), and refuse to start if it fits none.
    const byAlgorithm = new Map<string, CryptoKey>();
    for (const algorithm of auth.algorithms) {
      const key = await importSPKI(auth.publicKeyPem ?? '', algorithm).catch(() => null);
      if (key) byAlgorithm.set(algorithm, key);
    }
    if (byAlgorithm.size === 0) {
      throw new ConfigError(
        'ONWARD_JWT_PUBLIC_KEY',
        `is not a public key for any of ONWARD_JWT_ALGORITHMS (${auth.algorithms.join(', ')})`,
      );
    }
    this.keys = (header) => {
      const key = byAlgorithm.get(header.alg);
      if (!key) throw new errors.JOSENotSupported(`the configured public key is not a ${header.alg} key`);
      return key;
    };
  }

  /** The user of a valid host token and its expiry; rejects with UnauthorizedError otherwise. */
  async verify(token: string): Promise<VerifiedToken> {
    const auth = this.config.auth;
    if (auth.mode !== 'jwt' || !this.keys) throw new Error('HostTokenVerifier is for ONWARD_AUTH=jwt only');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: auth.issuer,
        audience: auth.audience,
        algorithms: auth.algorithms satisfies JwtAlgorithm[],
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      // The host's key set being unreachable or unusable is the operator's problem, not the
      // caller's: say so in the log (once a minute at most, as every request may run into it).
      const keySetProblem =
        !(error instanceof errors.JOSEError) ||
        error instanceof errors.JWKSTimeout ||
        (error.code === 'ERR_JOSE_GENERIC' && auth.jwksUrl !== null);
      if (keySetProblem && Date.now() - this.lastKeySetWarning >= JWKS_COOLDOWN_MS) {
        this.lastKeySetWarning = Date.now();
        this.logger.warn(`Cannot use the host's key set at ${auth.jwksUrl}: ${(error as Error).message}`);
      }
      throw new UnauthorizedError('Invalid or expired access token');
    }
    const identity = hostIdentity(payload, auth.claims, auth.adminRole);
    if (!identity) {
      throw new UnauthorizedError(`The access token has no usable "${auth.claims.id}" claim (the user's id)`);
    }
    return { user: await this.users.sync(identity), expiresAt: (payload.exp as number) * 1000 };
  }
}
