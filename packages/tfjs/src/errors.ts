// Errors of @randwire/tfjs: a small hierarchy; the CLI reports every TfjsError as a user
// mistake (one line, exit code 2). Messages start with where they came from.

export class TfjsError extends Error {
  override name = 'TfjsError';
}
