import { deflateRawSync } from 'node:zlib';

import { type RunView, errorProblems, runViewProblems } from './support/contract';
import { maxActiveAtOnce, maxOverlap } from './support/sockets';
import { readZip } from './support/zip';

// The API suites lean on these checks; a check that cannot fail would make them pass vacuously.

function view(overrides: Partial<RunView> = {}): RunView {
  return {
    id: 'r1',
    task: 'recalculate-prices',
    title: 'Recalculate prices',
    kind: 'task',
    owner: { id: 'u1', username: 'alice' },
    mode: 'foreground',
    display: { category: 'Hardware' },
    status: 'running',
    progress: { percent: 40, message: 'Chunk 4 of 10' },
    result: null,
    error: null,
    parentId: null,
    scheduler: null,
    createdAt: '2025-01-01T10:00:00.000Z',
    startedAt: '2025-01-01T10:00:01.000Z',
    finishedAt: null,
    version: 3,
    cancelledBy: null,
    rerunOf: null,
    stalled: false,
    queue: null,
    estimate: null,
    ...overrides,
  };
}

describe('support: RunView shape check', () => {
  it('accepts a well-formed view', () => {
    expect(runViewProblems(view())).toEqual([]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a non-ISO date', { createdAt: '1/1/2025' }],
    ['a fractional version', { version: 1.5 }],
    ['an unknown status', { status: 'paused' }],
    ['percent above 100', { progress: { percent: 140, message: null } }],
    ['a missing owner', { owner: null }],
    ['a file result without size', { result: { type: 'file', fileName: 'a.pdf', contentType: 'application/pdf' } }],
    ['a bad scheduler', { scheduler: { total: '3', completed: 0, failed: 0, cancelled: 0, current: null } }],
    ['a bad child', { children: [{ id: 'c' }] }],
  ])('rejects %s', (_name, overrides) => {
    expect(runViewProblems({ ...view(), ...overrides })).not.toEqual([]);
  });
});

describe('support: error body check', () => {
  const json = { 'content-type': 'application/json; charset=utf-8' };

  it('accepts the contract’s error', () => {
    expect(
      errorProblems(
        { status: 404, headers: json, body: { statusCode: 404, error: 'Not Found', message: 'Run not found' } },
        404,
      ),
    ).toEqual([]);
  });

  it('rejects HTML, a wrong status, a missing message and malformed details', () => {
    expect(errorProblems({ status: 400, headers: { 'content-type': 'text/html' }, body: {} }, 400)).not.toEqual([]);
    expect(
      errorProblems(
        { status: 500, headers: json, body: { statusCode: 500, error: 'Internal Server Error', message: 'x' } },
        400,
      ),
    ).not.toEqual([]);
    expect(
      errorProblems({ status: 400, headers: json, body: { statusCode: 400, error: 'Bad Request' } }, 400),
    ).not.toEqual([]);
    expect(
      errorProblems(
        {
          status: 400,
          headers: json,
          body: { statusCode: 400, error: 'Bad Request', message: 'x', details: ['year'] },
        },
        400,
      ),
    ).not.toEqual([]);
  });
});

describe('support: concurrency observers', () => {
  const at = (s: number): string => new Date(Date.UTC(2025, 0, 1, 10, 0, s)).toISOString();

  it('counts overlapping [startedAt, finishedAt) intervals; touching ones do not overlap', () => {
    const runs = [
      view({ id: 'a', startedAt: at(0), finishedAt: at(3) }),
      view({ id: 'b', startedAt: at(1), finishedAt: at(4) }),
      view({ id: 'c', startedAt: at(3), finishedAt: at(5) }),
      view({ id: 'd', startedAt: null, finishedAt: at(5) }),
    ];
    expect(maxOverlap(runs)).toBe(2);
    expect(
      maxOverlap([
        view({ id: 'a', startedAt: at(0), finishedAt: at(1) }),
        view({ id: 'b', startedAt: at(1), finishedAt: at(2) }),
      ]),
    ).toBe(1);
  });

  it('replays updates by version, ignoring stale ones', () => {
    const updates = [
      view({ id: 'a', status: 'running', version: 2 }),
      view({ id: 'b', status: 'running', version: 2 }),
      view({ id: 'a', status: 'completed', version: 5 }),
      view({ id: 'a', status: 'running', version: 4 }), // stale: must not count
      view({ id: 'c', status: 'running', version: 2 }),
    ];
    expect(maxActiveAtOnce(updates)).toBe(2);
    expect(maxActiveAtOnce([...updates, view({ id: 'd', status: 'cancelling', version: 1 })])).toBe(3);
  });
});

describe('support: zip reader', () => {
  /** A minimal zip writer for the test (stored and deflated entries). */
  function zip(entries: { name: string; data: Buffer; deflate: boolean }[]): Buffer {
    const locals: Buffer[] = [];
    const centrals: Buffer[] = [];
    let offset = 0;
    for (const { name, data, deflate } of entries) {
      const body = deflate ? deflateRawSync(data) : data;
      const nameBytes = Buffer.from(name);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(deflate ? 8 : 0, 8);
      local.writeUInt32LE(body.length, 18);
      local.writeUInt32LE(data.length, 22);
      local.writeUInt16LE(nameBytes.length, 26);
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(deflate ? 8 : 0, 10);
      central.writeUInt32LE(body.length, 20);
      central.writeUInt32LE(data.length, 24);
      central.writeUInt16LE(nameBytes.length, 28);
      central.writeUInt32LE(offset, 42);
      locals.push(local, nameBytes, body);
      centrals.push(central, nameBytes);
      offset += 30 + nameBytes.length + body.length;
    }
    const directory = Buffer.concat(centrals);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    return Buffer.concat([...locals, directory, end]);
  }

  it('reads stored and deflated entries', () => {
    const pdf = Buffer.from('%PDF-1.7 a report');
    const errors = Buffer.from('Row 2 (customer Nobody): Unknown customer\n'.repeat(50));
    const entries = readZip(
      zip([
        { name: 'acme.pdf', data: pdf, deflate: false },
        { name: 'errors.txt', data: errors, deflate: true },
      ]),
    );
    expect(entries.map((e) => e.name)).toEqual(['acme.pdf', 'errors.txt']);
    expect(entries[0]?.data.equals(pdf)).toBe(true);
    expect(entries[1]?.data.equals(errors)).toBe(true);
  });

  it('rejects what is not a zip', () => {
    expect(() => readZip(Buffer.from('%PDF-1.7 definitely not a zip archive at all'))).toThrow(/not a zip/);
  });
});
