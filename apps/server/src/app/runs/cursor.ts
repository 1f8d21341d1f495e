import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where a page of the run list ended: keyset (createdAt, id), newest first. */
export interface CursorPosition {
  createdAt: string;
  id: string;
}

/** Where a page of a scheduler's subtasks ended: the last row's position, bound to its scheduler. */
export interface ChildCursorPosition {
  parentId: string;
  position: number;
}

// Tags a subtask cursor, so that neither kind of cursor is taken for the other.
const CHILD = 'child';

/** Opaque, signed keyset cursors: a cursor the server did not issue is rejected. */
export class CursorCodec {
  constructor(private readonly key: string) {}

  encode(position: CursorPosition): string {
    return this.seal([position.createdAt, position.id]);
  }

  /** The position, or null for a cursor that was not issued here. */
  decode(cursor: string): CursorPosition | null {
    const values = this.open(cursor);
    if (values?.length !== 2) return null;
    const [createdAt, id] = values;
    return typeof createdAt === 'string' && typeof id === 'string' ? { createdAt, id } : null;
  }

  encodeChild(position: ChildCursorPosition): string {
    return this.seal([CHILD, position.parentId, position.position]);
  }

  /** The subtask position, or null for a cursor not issued here as a subtask cursor. */
  decodeChild(cursor: string): ChildCursorPosition | null {
    const values = this.open(cursor);
    if (values?.length !== 3) return null;
    const [tag, parentId, position] = values;
    return tag === CHILD && typeof parentId === 'string' && Number.isInteger(position)
      ? { parentId, position: position as number }
      : null;
  }

  private seal(values: unknown[]): string {
    const payload = Buffer.from(JSON.stringify(values)).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The values of a cursor signed here, or null. */
  private open(cursor: string): unknown[] | null {
    const [payload, signature, extra] = cursor.split('.');
    if (!payload || !signature || extra !== undefined) return null;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const values = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
      return Array.isArray(values) ? values : null;
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(`cursor:${payload}`).digest('base64url').slice(0, 22);
  }
}
