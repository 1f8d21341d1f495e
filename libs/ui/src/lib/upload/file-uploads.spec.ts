import { TestBed } from '@angular/core/testing';

import { makeRun } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import { FakeTus } from '../../testing/tus';
import { FileUploads, retryUpload, UPLOAD_CHUNK_BYTES, UploadStopped, uploadId } from './file-uploads';

const MB = 1024 * 1024;

function file(name = 'orders.csv', size = 27 * MB): File {
  const f = new File(['x'], name, { type: 'text/csv', lastModified: 1_700_000_000_000 });
  // The content does not matter to the fake upload; its size does.
  Object.defineProperty(f, 'size', { value: size });
  return f;
}

describe('FileUploads', () => {
  let tus: FakeTus;
  let uploads: FileUploads;
  let widget: ReturnType<typeof setupWidget>;

  beforeEach(() => {
    tus = new FakeTus();
    widget = setupWidget({ providers: [tus.provider] });
    uploads = TestBed.inject(FileUploads);
  });

  afterEach(() => jest.restoreAllMocks());

  it('uploads in chunks to the absolute /api/uploads with the file name and type, retrying dropped connections', async () => {
    void uploads.upload(file());
    const upload = await tus.started();
    expect(upload.options.endpoint).toBe('http://localhost/api/uploads');
    expect(upload.options.chunkSize).toBe(UPLOAD_CHUNK_BYTES);
    expect(upload.options.metadata).toEqual({ filename: 'orders.csv', filetype: 'text/csv' });
    expect(upload.options.retryDelays?.length).toBeGreaterThan(2);
    expect(upload.options.removeFingerprintOnSuccess).toBe(true);
  });

  it('sends the current token in a header of every request, never in the URL', async () => {
    void uploads.upload(file());
    const upload = await tus.started();
    expect(await upload.headersOfNextRequest()).toEqual({ Authorization: 'Bearer tok' });
    widget.token.set('tok-2');
    expect(await upload.headersOfNextRequest()).toEqual({ Authorization: 'Bearer tok-2' });
    expect(upload.options.endpoint).not.toContain('tok');
  });

  it('resumes the previous upload of the same file (after a reload)', async () => {
    const previous = {
      size: 27 * MB,
      metadata: { filename: 'orders.csv' },
      creationTime: '2026-01-01T00:00:00Z',
      urlStorageKey: 'tus::fp::1',
      uploadUrl: 'http://localhost/api/uploads/up-7',
      parallelUploadUrls: null,
    };
    tus.previous = [previous];
    void uploads.upload(file());
    const upload = await tus.started();
    expect(upload.resumedFrom).toBe(previous);
  });

  it('shows the bytes, the speed and the time left, and resolves with the upload run id', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(0);
    const done = uploads.upload(file());
    const upload = await tus.started();
    upload.created('http://localhost/api/uploads/up-1');
    expect(uploads.transfer('up-1')).toMatchObject({ fileName: 'orders.csv', bytesSent: 0, bytesTotal: 27 * MB });
    expect(uploads.isUploading('up-1')).toBe(true);
    upload.progress(0);
    now.mockReturnValue(1000);
    upload.progress(3 * MB);
    now.mockReturnValue(2000);
    upload.progress(6 * MB);
    expect(uploads.transfer('up-1')).toMatchObject({
      bytesSent: 6 * MB,
      rate: 3 * MB,
      remainingMs: 7000,
      state: 'uploading',
    });
    upload.succeed();
    await expect(done).resolves.toBe('up-1');
    expect(uploads.transfer('up-1')).toMatchObject({ bytesSent: 27 * MB, state: 'done' });
    expect(uploads.isUploading('up-1')).toBe(false);
  });

  it('updates the view at most every quarter second', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(10_000);
    void uploads.upload(file());
    const upload = await tus.started();
    upload.created('http://localhost/api/uploads/up-1');
    upload.progress(1 * MB);
    now.mockReturnValue(10_100);
    upload.progress(2 * MB);
    expect(uploads.transfer('up-1')?.bytesSent).toBe(1 * MB);
    now.mockReturnValue(10_300);
    upload.progress(3 * MB);
    expect(uploads.transfer('up-1')?.bytesSent).toBe(3 * MB);
  });

  it('aborts the upload of this window and rejects as aborted', async () => {
    const done = uploads.upload(file());
    const upload = await tus.started();
    upload.created('http://localhost/api/uploads/up-1');
    expect(uploads.abort('up-1')).toBe(true);
    expect(upload.aborted).toEqual([false]);
    await expect(done).rejects.toEqual(new UploadStopped('aborted'));
    expect(uploads.transfer('up-1')).toBeUndefined();
    expect(uploads.abort('up-1')).toBe(false);
  });

  it('stops sending when the server says the upload was cancelled elsewhere', async () => {
    const done = uploads.upload(file());
    const upload = await tus.started();
    upload.created('http://localhost/api/uploads/up-1');
    const socket = widget.sockets.last;
    socket.fire('run.updated', makeRun({ id: 'up-1', kind: 'upload', task: 'upload', status: 'running', version: 1 }));
    socket.fire(
      'run.updated',
      makeRun({ id: 'up-1', kind: 'upload', task: 'upload', status: 'cancelled', version: 2 }),
    );
    await expect(done).rejects.toMatchObject({ reason: 'aborted' });
    expect(upload.aborted).toEqual([false]);
  });

  it('waits while the browser is offline and goes on from the server offset when it is back', async () => {
    const onLine = jest.spyOn(navigator, 'onLine', 'get').mockReturnValue(true);
    const done = uploads.upload(file());
    const upload = await tus.started();
    upload.created('http://localhost/api/uploads/up-1');
    upload.progress(8 * MB);
    onLine.mockReturnValue(false);
    upload.fail(0);
    expect(uploads.transfer('up-1')?.state).toBe('offline');
    expect(upload.starts).toBe(1);
    onLine.mockReturnValue(true);
    window.dispatchEvent(new Event('online'));
    expect(upload.starts).toBe(2);
    expect(uploads.transfer('up-1')?.state).toBe('uploading');
    upload.succeed();
    await expect(done).resolves.toBe('up-1');
  });

  it('fails with the server status when the upload is refused', async () => {
    const done = uploads.upload(file());
    const upload = await tus.started();
    upload.fail(413);
    await expect(done).rejects.toMatchObject({ reason: 'failed', status: 413 });
  });
});

describe('retryUpload', () => {
  it.each([
    [0, 0, true, true],
    [503, 3, true, true],
    [409, 0, true, true],
    [423, 1, true, true],
    [401, 0, true, true],
    [401, 1, true, false],
    [404, 0, true, false],
    [413, 0, true, false],
    [0, 0, false, false],
    [503, 0, false, false],
  ])('status %i, attempt %i, online %s → retry %s', (status, attempt, online, retry) => {
    expect(retryUpload(status, attempt, online)).toBe(retry);
  });
});

describe('uploadId', () => {
  it('is the last segment of the upload URL', () => {
    expect(uploadId('http://srv/api/uploads/abc-123')).toBe('abc-123');
    expect(uploadId('http://srv/api/uploads/abc%20x/')).toBe('abc x');
  });
});
