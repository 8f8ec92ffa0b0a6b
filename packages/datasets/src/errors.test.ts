import {
  DatasetError,
  DatasetFormatError,
  DatasetMismatchError,
  DatasetNotFoundError,
  DatasetOptionError,
} from './errors';

describe('error hierarchy', () => {
  it.each([
    ['DatasetFormatError', new DatasetFormatError('m', '/f', { cause: new Error('x') })],
    ['DatasetNotFoundError', new DatasetNotFoundError('m', '/f')],
    ['DatasetMismatchError', new DatasetMismatchError('m')],
    ['DatasetOptionError', new DatasetOptionError('m')],
  ])('%s extends DatasetError and sets its name', (name, e) => {
    expect(e).toBeInstanceOf(DatasetError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe(name);
    expect(e.message).toBe('m');
  });

  it('file errors carry the path and the cause', () => {
    const cause = new Error('zlib');
    const e = new DatasetFormatError('m', '/data/x.gz', { cause });
    expect(e.path).toBe('/data/x.gz');
    expect(e.cause).toBe(cause);
    expect(new DatasetError('m').name).toBe('DatasetError');
  });
});
