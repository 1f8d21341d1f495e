import { ResultWriteFailure, storageFailure } from './storage-failure';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: failed, write`), { code });

describe('storageFailure', () => {
  it('tells people a full disk or a quota in plain words', () => {
    for (const code of ['ENOSPC', 'EDQUOT']) {
      const failure = storageFailure(errno(code));
      expect(failure).toBeInstanceOf(ResultWriteFailure);
      expect(failure?.message).toBe("The result file could not be written: the server's disk is full");
      expect(failure?.details).toContain(code);
    }
  });

  it('names other storage errors, and finds one among several', () => {
    expect(storageFailure(new Error('ERR_STREAM_DESTROYED'), errno('EIO'))?.message).toBe(
      "The result file could not be written: the server's storage failed (EIO)",
    );
  });

  it('leaves a task error alone', () => {
    expect(storageFailure(new Error('Unknown customer'), errno('ENOENT'), null, undefined)).toBeNull();
  });
});
