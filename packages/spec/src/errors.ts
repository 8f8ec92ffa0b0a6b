// Errors of @randwire/spec: one base class (listed as user-facing by the CLI) and a subclass
// per failure kind. Messages start with where they came from and name the bad value.

/** One problem found in a spec document: where (RFC 6901 JSON pointer), what, and the bad value. */
export interface SpecProblem {
  /** JSON pointer into the document, e.g. `/stages/1/nodes/4/inputs/0` (`''` = the whole document). */
  pointer: string;
  /** What is wrong and what is allowed. */
  message: string;
  /** The offending value, when there is one (omitted for missing fields). */
  value?: unknown;
}

/** Base class of every error this package throws. */
export class SpecError extends Error {
  override name = 'SpecError';
}

/** A document that is not a valid spec; `problems` lists every problem found. */
export class SpecValidationError extends SpecError {
  override name = 'SpecValidationError';
  readonly problems: SpecProblem[];
  readonly source: string | undefined;

  constructor(problems: SpecProblem[], source?: string, options?: { cause?: unknown }) {
    const where = source ? ` in ${source}` : '';
    const shown = problems.slice(0, 20).map((p) => `  ${formatProblem(p)}`);
    if (problems.length > shown.length) shown.push(`  ... and ${problems.length - shown.length} more`);
    super(
      `@randwire/spec/validate: invalid spec${where}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${shown.join('\n')}`,
      options,
    );
    this.problems = problems;
    this.source = source;
  }
}

/** Text that is not JSON at all. */
export class SpecParseError extends SpecError {
  override name = 'SpecParseError';
}

/** Invalid options given to a builder (`generateSpec`), or a graph generator that failed. */
export class SpecBuildError extends SpecError {
  override name = 'SpecBuildError';
}

/** Formats one problem on one line: `/pointer: message (got value)`. */
export function formatProblem(p: SpecProblem): string {
  const value = 'value' in p ? ` (got ${shortJson(p.value)})` : '';
  return `${p.pointer === '' ? '/' : p.pointer}: ${p.message}${value}`;
}

function shortJson(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    // Too deep or too large to stringify: String() would recurse as deep (and overflow too).
    text = Array.isArray(v) ? '[...]' : typeof v === 'object' && v !== null ? '{...}' : String(v);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
