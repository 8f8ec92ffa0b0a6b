#!/usr/bin/env python3
"""networkx reference for the graph-generation benchmark (randwire.md sections 2 and 3).

A long-lived worker: reads one JSON request per line on stdin, answers one JSON line on
stdout, so the TypeScript harness can alternate its own samples with this one's without
paying Python's start-up each time. Timing is taken inside Python (perf_counter for wall
time, process_time for CPU time).

Requests:
  {"op": "info"}  -> {"python": "3.11.2", "networkx": "2.8.8"}
  {"op": "run", "model": "ws"|"ba"|"er", "n": 32, "k": 4, "p": 0.75, "m": 5,
   "seed": 0, "seconds": 0.5, "min_ops": 1}
      -> {"operations": N, "wall": s, "cpu": s}
  Each operation = one graph (networkx generator) + its DAG: DAG index per section 3 (WS, BA:
  node label; ER: a random permutation from the same Random), edges oriented low -> high
  index in a DiGraph, plus an input node feeding in-degree-0 nodes and an output node fed by
  out-degree-0 nodes. One random.Random(seed) per request, shared by its operations.
  Generators: watts_strogatz_graph, barabasi_albert_graph, fast_gnp_random_graph (the same
  geometric-skip method the TypeScript ER uses).
"""
import json
import random
import sys
import time

import networkx as nx


def make_graph(req, rng):
    model, n = req["model"], req["n"]
    if model == "ws":
        return nx.watts_strogatz_graph(n, req["k"], req["p"], seed=rng), None
    if model == "ba":
        return nx.barabasi_albert_graph(n, req["m"], seed=rng), None
    if model == "er":
        g = nx.fast_gnp_random_graph(n, req["p"], seed=rng)
        perm = list(range(n))
        rng.shuffle(perm)
        return g, perm
    raise ValueError(f"unknown model {model!r}")


def to_dag(g, perm):
    d = nx.DiGraph()
    d.add_nodes_from(range(g.number_of_nodes()))
    if perm is None:
        d.add_edges_from((u, v) if u < v else (v, u) for u, v in g.edges())
    else:
        d.add_edges_from(
            (perm[u], perm[v]) if perm[u] < perm[v] else (perm[v], perm[u]) for u, v in g.edges()
        )
    sources = [v for v, deg in d.in_degree() if deg == 0]
    sinks = [v for v, deg in d.out_degree() if deg == 0]
    d.add_edges_from(("input", v) for v in sources)
    d.add_edges_from((v, "output") for v in sinks)
    return d


def run(req):
    rng = random.Random(req.get("seed", 0))
    seconds = float(req.get("seconds", 0.5))
    min_ops = int(req.get("min_ops", 1))
    ops = 0
    sink = 0
    w0, c0 = time.perf_counter(), time.process_time()
    while True:
        g, perm = make_graph(req, rng)
        sink += to_dag(g, perm).number_of_edges()
        ops += 1
        if ops >= min_ops and time.perf_counter() - w0 >= seconds:
            break
    return {"operations": ops, "wall": time.perf_counter() - w0, "cpu": time.process_time() - c0, "check": sink}


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            if req.get("op") == "info":
                out = {"python": sys.version.split()[0], "networkx": nx.__version__}
            elif req.get("op") == "run":
                out = run(req)
            else:
                out = {"error": f"unknown op {req.get('op')!r}"}
        except Exception as e:  # report, keep serving
            out = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
