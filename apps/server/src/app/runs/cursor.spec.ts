import { CursorCodec } from './cursor';

describe('CursorCodec', () => {
  const codec = new CursorCodec('a key of sixteen chars or more');
  const position = { createdAt: '2026-11-29T05:00:00.000Z', id: '6f1c2d1e-0000-4000-8000-000000000001' };

  it('round-trips a position', () => {
    expect(codec.decode(codec.encode(position))).toEqual(position);
  });

  it('rejects cursors it did not issue', () => {
    const cursor = codec.encode(position);
    const [payload] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify(['2030-01-01T00:00:00.000Z', 'x'])).toString('base64url');
    expect(codec.decode(`${forged}.${cursor.split('.')[1]}`)).toBeNull();
    expect(codec.decode(payload)).toBeNull();
    expect(codec.decode('garbage')).toBeNull();
    expect(new CursorCodec('another key of sixteen chars').decode(cursor)).toBeNull();
  });
});

describe('CursorCodec: subtask cursors', () => {
  const codec = new CursorCodec('a key of sixteen chars or more');
  const child = { parentId: '6f1c2d1e-0000-4000-8000-000000000002', position: 199 };

  it('round-trips a subtask position, bound to its scheduler', () => {
    expect(codec.decodeChild(codec.encodeChild(child))).toEqual(child);
  });

  it('never takes one kind of cursor for the other', () => {
    const list = codec.encode({ createdAt: '2026-11-29T05:00:00.000Z', id: child.parentId });
    expect(codec.decodeChild(list)).toBeNull();
    expect(codec.decode(codec.encodeChild(child))).toBeNull();
    expect(new CursorCodec('another key of sixteen chars').decodeChild(codec.encodeChild(child))).toBeNull();
  });
});
