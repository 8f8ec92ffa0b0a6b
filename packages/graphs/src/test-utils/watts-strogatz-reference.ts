// A direct adjacency-list transcription of randwire.md section 2's WS rewiring, with the same
// documented draw order as wattsStrogatzEdges: the oracle its optimized version is tested against.
import { type Rng, randomIndex } from '../rng';

export function wattsStrogatzReference(n: number, k: number, p: number, rng: Rng): string[] {
  const half = k / 2;
  const adj: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let v = 0; v < n; v++) {
    for (let i = 1; i <= half; i++) {
      adj[v]!.add((v + i) % n);
      adj[(v + i) % n]!.add(v);
    }
  }
  for (let i = 1; i <= half; i++) {
    for (let v = 0; v < n; v++) {
      if (!(rng() < p)) continue;
      if (adj[v]!.size >= n - 1) continue;
      let w = randomIndex(rng, n);
      while (w === v || adj[v]!.has(w)) w = randomIndex(rng, n);
      const far = (v + i) % n;
      adj[v]!.delete(far);
      adj[far]!.delete(v);
      adj[v]!.add(w);
      adj[w]!.add(v);
    }
  }
  const pairs: Array<[number, number]> = [];
  for (let u = 0; u < n; u++) for (const v of adj[u]!) if (v > u) pairs.push([u, v]);
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return pairs.map(([u, v]) => `${u}-${v}`);
}
