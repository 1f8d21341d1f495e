/**
 * A small tus 1.0 client over supertest and raw HTTP, for the upload tests and the fuzz: creation,
 * HEAD, PATCH, DELETE, and a PATCH whose connection drops half way.
 */
import { request as httpRequest } from 'node:http';
import request, { type Response, type Test } from 'supertest';

import { binaryParser } from './api';

export const TUS = { 'Tus-Resumable': '1.0.0' };

/** `Upload-Metadata` of a file name and type (base64 values, as tus wants them). */
export function uploadMetadata(fileName: string, fileType?: string): string {
  const pairs = [`filename ${Buffer.from(fileName).toString('base64')}`];
  if (fileType !== undefined) pairs.push(`filetype ${Buffer.from(fileType).toString('base64')}`);
  return pairs.join(',');
}

export class TusClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string | null,
  ) {}

  private authorised(headers: Record<string, string>): Record<string, string> {
    return this.token ? { ...headers, Authorization: `Bearer ${this.token}` } : headers;
  }

  /** POST /api/uploads (no assertion). */
  create(length: number, fileName = 'data.bin', fileType?: string, extra: Record<string, string> = {}): Test {
    return request(this.baseUrl)
      .post('/api/uploads')
      .set(
        this.authorised({
          ...TUS,
          'Upload-Length': String(length),
          'Upload-Metadata': uploadMetadata(fileName, fileType),
          ...extra,
        }),
      );
  }

  /** Creates an upload, asserting 201, and returns its id (the run id). */
  async start(length: number, fileName = 'data.bin', fileType?: string): Promise<string> {
    const res = await this.create(length, fileName, fileType);
    if (res.status !== 201) throw new Error(`POST /api/uploads answered ${res.status}: ${res.text}`);
    const match = /^\/api\/uploads\/([0-9a-f-]{36})$/.exec(res.headers['location'] ?? '');
    if (!match) throw new Error(`Location is ${res.headers['location']}`);
    return match[1];
  }

  head(id: string): Promise<Response> {
    return request(this.baseUrl).head(`/api/uploads/${id}`).set(this.authorised(TUS));
  }

  /** The offset HEAD answers (asserting 200). */
  async offset(id: string): Promise<number> {
    const res = await this.head(id);
    if (res.status !== 200) throw new Error(`HEAD answered ${res.status}`);
    return Number(res.headers['upload-offset']);
  }

  patch(id: string, offset: number, bytes: Buffer, extra: Record<string, string> = {}): Promise<Response> {
    return request(this.baseUrl)
      .patch(`/api/uploads/${id}`)
      .set(
        this.authorised({
          ...TUS,
          'Upload-Offset': String(offset),
          'Content-Type': 'application/offset+octet-stream',
          ...extra,
        }),
      )
      .send(bytes);
  }

  /** Sends `bytes` from `offset` in chunks of `chunk`, asserting 204 and the new offset each time. */
  async send(id: string, bytes: Buffer, offset = 0, chunk = bytes.length): Promise<void> {
    for (let at = offset; at < bytes.length; at += chunk) {
      const piece = bytes.subarray(at, Math.min(at + chunk, bytes.length));
      const res = await this.patch(id, at, piece);
      if (res.status !== 204) throw new Error(`PATCH at ${at} answered ${res.status}: ${res.text}`);
      expect(Number(res.headers['upload-offset'])).toBe(at + piece.length);
    }
  }

  terminate(id: string): Promise<Response> {
    return request(this.baseUrl).delete(`/api/uploads/${id}`).set(this.authorised(TUS));
  }

  /** GET /api/runs/:id/result as bytes. */
  async download(id: string): Promise<Response> {
    return request(this.baseUrl)
      .get(`/api/runs/${id}/result`)
      .set(this.authorised({}))
      .buffer(true)
      .parse(binaryParser);
  }

  /**
   * A PATCH of `bytes` from `offset` that announces all of them but sends only `sent` before its
   * connection is destroyed, once `received()` says the server has some of them.
   */
  async droppedPatch(
    id: string,
    offset: number,
    bytes: Buffer,
    sent: number,
    received: () => Promise<boolean>,
  ): Promise<void> {
    const url = new URL(`/api/uploads/${id}`, this.baseUrl);
    const req = httpRequest(url, {
      method: 'PATCH',
      headers: this.authorised({
        ...TUS,
        'Upload-Offset': String(offset),
        'Content-Type': 'application/offset+octet-stream',
        'Content-Length': String(bytes.length),
      }),
    });
    req.on('error', () => undefined);
    req.write(bytes.subarray(0, sent));
    const deadline = Date.now() + 20_000;
    while (!(await received())) {
      if (Date.now() > deadline) throw new Error('the server received nothing of the dropped PATCH');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    req.destroy();
  }
}
