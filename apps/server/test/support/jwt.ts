/** Just enough JWT (HMAC) handling to forge, expire and re-sign the server's access tokens. */
import { createHmac } from 'node:crypto';

type JwtPart = Record<string, unknown>;

const HASHES: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

export function decodeJwt(token: string): { header: JwtPart; payload: JwtPart } {
  const [header, payload] = token.split('.');
  if (!header || !payload) throw new Error(`not a JWT: ${token}`);
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as JwtPart,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JwtPart,
  };
}

const encode = (part: JwtPart): string => Buffer.from(JSON.stringify(part)).toString('base64url');

/** Signs `payload` with `key`, using the algorithm of `header` (HS256 unless it names another HMAC). */
export function signJwt(header: JwtPart, payload: JwtPart, key: string): string {
  const alg = typeof header['alg'] === 'string' && HASHES[header['alg']] ? header['alg'] : 'HS256';
  const unsigned = `${encode({ ...header, alg })}.${encode(payload)}`;
  const signature = createHmac(HASHES[alg] as string, key)
    .update(unsigned)
    .digest('base64url');
  return `${unsigned}.${signature}`;
}

/** The same claims, unsigned (`alg: none`): a server must never accept it. */
export function unsignedJwt(payload: JwtPart): string {
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}
