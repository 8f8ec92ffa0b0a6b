import { envInteger, envIntegers } from './env';

const NAME = 'RANDWIRE_ENV_TEST';
afterEach(() => {
  delete process.env[NAME];
});

describe('environment settings', () => {
  it('reads comma-separated integers, null or the fallback when unset or blank', () => {
    expect(envIntegers(NAME, 0)).toBeNull();
    expect(envInteger(NAME, 1, 7)).toBe(7);
    expect(envInteger(NAME, 1, null)).toBeNull();
    process.env[NAME] = ' ';
    expect(envIntegers(NAME, 0)).toBeNull();
    process.env[NAME] = '0, 2,5';
    expect(envIntegers(NAME, 0)).toEqual([0, 2, 5]);
    process.env[NAME] = '12000';
    expect(envInteger(NAME, 1, 7)).toBe(12000);
  });

  it('rejects non-integers, values below the minimum and lists where one value is wanted', () => {
    process.env[NAME] = '1,x';
    expect(() => envIntegers(NAME, 0)).toThrow(`${NAME}=1,x: must be comma-separated integers >= 0`);
    process.env[NAME] = '0';
    expect(() => envInteger(NAME, 1, 7)).toThrow(/integers >= 1/);
    process.env[NAME] = '1,2';
    expect(() => envInteger(NAME, 1, 7)).toThrow(`${NAME}=1,2: one integer expected`);
  });
});
