// Integer settings of a full benchmark run taken from the environment (e.g. ACCURACY_SEEDS=0,1).

/** Comma-separated integers >= `min` from environment variable `name`, or null when unset. */
export function envIntegers(name: string, min: number): number[] | null {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return null;
  const values = text.split(',').map((x) => Number(x.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < min)) {
    throw new Error(`${name}=${text}: must be comma-separated integers >= ${min}`);
  }
  return values;
}

/** One integer >= `min` from environment variable `name`, or `fallback` when unset. */
export function envInteger<T extends number | null>(name: string, min: number, fallback: T): number | T {
  const v = envIntegers(name, min);
  if (v !== null && v.length !== 1) throw new Error(`${name}=${process.env[name]}: one integer expected`);
  return v?.[0] ?? fallback;
}
