import { createHmac, timingSafeEqual } from 'node:crypto';

export interface CursorPosition {
  createdAt: string;
  id: string;
}

/** Opaque, signed keyset cursors: a cursor the server did not issue is rejected. */
export class CursorCodec {
  constructor(private readonly key: string) {}

  encode(position: CursorPosition): string {
    const payload = Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The position, or null for a cursor that was not issued here. */
  decode(cursor: string): CursorPosition | null {
    const [payload, signature, extra] = cursor.split('.');
    if (!payload || !signature || extra !== undefined) return null;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const [createdAt, id] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[];
      return typeof createdAt === 'string' && typeof id === 'string' ? { createdAt, id } : null;
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(`cursor:${payload}`).digest('base64url').slice(0, 22);
  }
}
