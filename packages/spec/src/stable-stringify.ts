// Key-sorted JSON for hashing and comparing JSON-safe values (moved here from @randwire/tfjs's
// checkpoints so packages below TensorFlow.js can hash recipes; tfjs re-exports it).

/** JSON with object keys sorted at every level (stable across machines and key orders);
 * undefined members are left out, as JSON.stringify does. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stableStringify(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
