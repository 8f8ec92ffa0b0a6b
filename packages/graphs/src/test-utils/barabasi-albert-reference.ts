// A direct transcription of randwire.md section 2's BA with the documented draw order (a list
// `repeated` holding each node once per incident edge, like networkx's `repeated_nodes`): the
// oracle barabasiAlbertEdges is tested against.
import { type Rng, randomIndex } from '../rng';

export function barabasiAlbertReference(n: number, m: number, rng: Rng): string[] {
  const repeated: number[] = [];
  const pairs: Array<[number, number]> = [];
  for (let t = m; t < n; t++) {
    let targets: number[];
    if (t === m) targets = Array.from({ length: m }, (_, j) => j);
    else {
      const chosen = new Set<number>();
      targets = [];
      const size = repeated.length;
      while (targets.length < m) {
        const c = repeated[randomIndex(rng, size)]!;
        if (chosen.has(c)) continue;
        chosen.add(c);
        targets.push(c);
      }
    }
    for (const c of targets) {
      pairs.push([c, t]);
      repeated.push(c, t);
    }
  }
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return pairs.map(([u, v]) => `${u}-${v}`);
}
