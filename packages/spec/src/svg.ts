// The two primitives every SVG this project writes needs (the spec renderer, @randwire/studies'
// plots): XML-escaped text and compact coordinates.

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A coordinate rounded to 0.1 px, without trailing zeros ("12.5", "3"). */
export function svgNumber(v: number): string {
  return String(Math.round(v * 10) / 10);
}
