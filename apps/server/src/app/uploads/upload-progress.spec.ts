import { uploadProgress } from './upload-progress';

describe('uploadProgress', () => {
  it('gives the share received and both sizes in the unit of the whole', () => {
    expect(uploadProgress(12_400_000, 27_000_000)).toEqual({ percent: (100 * 12.4) / 27, message: '12.4 of 27.0 MB' });
    expect(uploadProgress(0, 27_000_000)).toEqual({ percent: 0, message: '0.0 of 27.0 MB' });
    expect(uploadProgress(512, 2048)).toEqual({ percent: 25, message: '0.5 of 2.0 kB' });
    expect(uploadProgress(10, 20)).toEqual({ percent: 50, message: '10 of 20 B' });
    expect(uploadProgress(1_500_000_000, 3_000_000_000)).toEqual({ percent: 50, message: '1.5 of 3.0 GB' });
  });

  it('is complete for an empty file, and has no percent while the length is unknown', () => {
    expect(uploadProgress(0, 0)).toEqual({ percent: 100, message: '0 of 0 B' });
    expect(uploadProgress(3_000_000, undefined)).toEqual({ percent: null, message: '3.0 MB' });
  });
});
