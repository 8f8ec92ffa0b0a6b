import { stableStringify } from './stable-stringify';

describe('stableStringify', () => {
  it('sorts keys at every level and ignores their order', () => {
    expect(stableStringify({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(stableStringify({ a: [{ c: 3, d: 2 }], b: 1 })).toBe(
      stableStringify({ b: 1, a: [{ d: 2, c: 3 }] }),
    );
  });
  it('leaves out undefined members and keeps null', () => {
    expect(stableStringify({ a: undefined, b: null })).toBe('{"b":null}');
  });
});
