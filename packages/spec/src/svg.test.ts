import { escapeXml, svgNumber } from './svg';

describe('svg primitives', () => {
  it('escapes markup characters', () => {
    expect(escapeXml('a<b & "c">')).toBe('a&lt;b &amp; &quot;c&quot;&gt;');
  });
  it('rounds coordinates to 0.1', () => {
    expect(svgNumber(12.345)).toBe('12.3');
    expect(svgNumber(3)).toBe('3');
    expect(svgNumber(-0.04)).toBe('0');
  });
});
