/**
 * A host application's identity provider, for `ONWARD_AUTH=jwt`: key pairs made with node:crypto, a
 * JWKS served by a real node:http server on 127.0.0.1 that counts its requests, and tokens signed
 * with jose's SignJWT.
 */
import { SignJWT, type JWTPayload } from 'jose';
import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ISSUER = 'https://host.example.test/';
export const AUDIENCE = 'onward';

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as SPKI PEM (for ONWARD_JWT_PUBLIC_KEY, and for HMAC forgeries). */
  publicPem: string;
}

export function signingKey(kid: string, alg: 'RS256' | 'ES256'): SigningKey {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, alg, privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export interface TokenOptions {
  key: SigningKey;
  /** Claims; `iss`, `aud`, `iat`, `exp` (now + 5 min) and a unique `jti` are added unless given. */
  claims?: JWTPayload;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** A `kid` other than the key's, or none (null). */
  kid?: string | null;
}

/** A token as the host would issue it. */
export async function hostToken({ key, claims = {}, expiresIn = 300, kid }: TokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const header = kid === null ? { alg: key.alg } : { alg: key.alg, kid: kid ?? key.kid };
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + expiresIn, jti: randomUUID(), ...claims })
    .setProtectedHeader(header)
    .sign(key.privateKey);
}

/** The host's JWKS endpoint; `keys` may be replaced at any time (key rotation). */
export class JwksServer {
  /** Requests received so far. */
  requests = 0;
  keys: SigningKey[];
  private server: Server | null = null;
  private address = '';

  constructor(keys: SigningKey[]) {
    this.keys = keys;
  }

  get url(): string {
    return `${this.address}/.well-known/jwks.json`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.requests++;
      if (request.url !== '/.well-known/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      const keys = this.keys.map((key) => ({
        ...key.publicKey.export({ format: 'jwk' }),
        kid: key.kid,
        alg: key.alg,
        use: 'sig',
      }));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.address = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The environment of an Onward that trusts this JWKS. */
export function jwtEnv(jwksUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ONWARD_AUTH: 'jwt',
    ONWARD_JWT_JWKS_URL: jwksUrl,
    ONWARD_JWT_ISSUER: ISSUER,
    ONWARD_JWT_AUDIENCE: AUDIENCE,
    ...extra,
  };
}

/**
 * A `Date.now()` that can be moved forward (as if that much time had passed) until `restore()`: how
 * a suite gets past the JWKS cooldown of a minute without waiting for it. `new Date()` (jose's expiry
 * check) is left alone.
 */
export function shiftableDateNow(): { advance(ms: number): void; restore(): void } {
  const realNow = Date.now.bind(Date);
  let offset = 0;
  const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
  return {
    advance: (ms) => {
      offset += ms;
    },
    restore: () => spy.mockRestore(),
  };
}
