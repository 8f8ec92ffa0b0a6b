#!/usr/bin/env python3
"""PyTorch reference for randwire benchmarks.

Builds the network described by a randwire spec JSON (format `randwire-spec`, version 1) as
an idiomatic PyTorch module, so both sides of a benchmark run the identical architecture,
then measures training (forward + backward + SGD step) and inference images/s on the CPU.

    python3 torch_randwire.py SPEC.json [--batch 64] [--threads 2] [--steps 10] [--warmup 3]
                              [--mode params|bench]
    python3 torch_randwire.py [--worker]

`--mode params` prints the parameter count (trainable + BN statistics, like the spec's
parameterList) without timing anything.

Without arguments (or with `--worker`) it serves the benchmarks app's PythonWorker protocol (src/python-worker.ts): one JSON
request per stdin line, one JSON answer per stdout line, timing taken inside Python:
  {"op": "info"} -> {"python": "3.11.2", "torch": "1.13.1", "threads": 2}
  {"op": "load", "key": "A", "spec": {...}, "threads": 2}
      -> {"params": N, "trainableParams": N}    (builds the module once per key, seed 0; the
                                                  key's runs use `threads` intra-op threads)
  {"op": "run", "key": "A", "mode": "train"|"infer", "batch": 64, "seconds": 0.5, "min_ops": 1}
      -> {"operations": images, "wall": s, "cpu": s, "steps": n}
  {"op": "data", "key": "A", "images": PATH, "labels": PATH, "count": n}
      -> {"count": n}    (raw uint8 NHWC images of the key's spec input and uint8 labels, held
                          in memory as tensors, for "loop")
  {"op": "loop", "key": "A", "batch": 64, "seconds": 5, "min_steps": 1}
      -> {"operations": images, "wall": s, "cpu": s, "steps": n}
      a real training loop over the key's data, as `randwire train` runs one: a seeded shuffle
      per epoch, per step the batch gathered by index from the uint8 tensor, permuted to NCHW,
      normalized (x / 255 - mean) / std, a train step at the step's cosine learning rate, the
      loss and the correct count read back; timed from the loop's start.
  {"op": "unload", "key": "A"} -> {}
  A train step is zero_grad, forward in train mode, label-smoothed (0.1) cross-entropy,
  backward, SGD step (momentum 0.9, weight decay 5e-5); an infer step is a forward in eval
  mode under torch.no_grad(). One fixed random batch per (key, batch). Padding is PyTorch's usual symmetric `k // 2`: the
same output shapes and cost as TensorFlow's 'same' padding, not the same numbers at stride 2.
"""
import argparse
import json
import math
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

SUPPORTED_FORMAT = ("randwire-spec", 1)


def bn(channels, spec):
    # Keras momentum m (moving = m * moving + (1 - m) * batch) is PyTorch momentum 1 - m.
    return nn.BatchNorm2d(channels, eps=spec["batchNorm"]["epsilon"], momentum=1 - spec["batchNorm"]["momentum"])


class ConvUnit(nn.Module):
    def __init__(self, unit, spec):
        super().__init__()
        self.pre_relu = unit["preRelu"]
        k = unit["kernel"]
        self.conv = nn.Conv2d(unit["inChannels"], unit["channels"], k, unit["stride"], k // 2, bias=False)
        self.bn = bn(unit["channels"], spec)

    def forward(self, x):
        if self.pre_relu:
            x = F.relu(x)
        return self.bn(self.conv(x))


class NodeOp(nn.Module):
    """Aggregation (sigmoid-weighted sum) -> ReLU -> transform -> BN."""

    def __init__(self, stage, node, spec):
        super().__init__()
        fed_by_input = node["inputs"] == ["input"]
        cin = stage["inChannels"] if fed_by_input else stage["channels"]
        c = stage["channels"]
        s = node["stride"]
        self.n_inputs = len(node["inputs"])
        self.logits = nn.Parameter(torch.zeros(self.n_inputs)) if self.n_inputs > 1 else None
        t = stage["transform"]
        if t == "sep-conv-3x3":
            self.op = nn.Sequential(
                nn.Conv2d(cin, cin, 3, s, 1, groups=cin, bias=False), nn.Conv2d(cin, c, 1, bias=False)
            )
        elif t == "conv-3x3":
            self.op = nn.Conv2d(cin, c, 3, s, 1, bias=False)
        elif t == "max-pool-conv-1x1":
            self.op = nn.Sequential(nn.MaxPool2d(3, s, 1), nn.Conv2d(cin, c, 1, bias=False))
        elif t == "avg-pool-conv-1x1":
            self.op = nn.Sequential(nn.AvgPool2d(3, s, 1, count_include_pad=False), nn.Conv2d(cin, c, 1, bias=False))
        elif t == "depthwise-3x3":
            self.op = nn.Conv2d(cin, c, 3, s, 1, groups=cin, bias=False)
        else:
            raise ValueError(f"torch_randwire: unknown transform '{t}' in stage {stage['name']}")
        self.bn = bn(c, spec)

    def forward(self, xs):
        if self.logits is None:
            x = xs[0]
        else:
            w = torch.sigmoid(self.logits)
            x = xs[0] * w[0]
            for i in range(1, len(xs)):
                x = x + xs[i] * w[i]
        return self.bn(self.op(F.relu(x)))


class Stage(nn.Module):
    def __init__(self, stage, spec):
        super().__init__()
        self.nodes_spec = stage["nodes"]
        self.outputs = stage["outputs"]
        self.ops = nn.ModuleList([NodeOp(stage, n, spec) for n in stage["nodes"]])

    def forward(self, x):
        results = {}
        for node, op in zip(self.nodes_spec, self.ops):
            ins = [x] if node["inputs"] == ["input"] else [results[i] for i in node["inputs"]]
            results[node["id"]] = op(ins)
        outs = [results[i] for i in self.outputs]
        if len(outs) == 1:
            return outs[0]
        return torch.stack(outs, 0).mean(0)


class RandWire(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.stem = nn.Sequential(*[ConvUnit(u, spec) for u in spec["stem"]])
        self.stages = nn.Sequential(*[Stage(s, spec) for s in spec["stages"]])
        h = spec["head"]
        self.head_conv = nn.Conv2d(h["inChannels"], h["channels"], 1, bias=False)
        self.head_bn = bn(h["channels"], spec)
        self.dropout = nn.Dropout(h["dropout"]) if h["dropout"] > 0 else nn.Identity()
        self.fc = nn.Linear(h["channels"], h["classes"])

    def forward(self, x):
        x = self.stages(self.stem(x))
        x = F.relu(self.head_bn(self.head_conv(F.relu(x))))
        features = x.mean((2, 3))
        return self.fc(self.dropout(features))


def count_params(model):
    """Trainable parameters plus BN moving statistics, as the spec's parameterList counts."""
    n = sum(p.numel() for p in model.parameters())
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n += m.running_mean.numel() + m.running_var.numel()
    return n


def bench(model, spec, batch, steps, warmup):
    inp = spec["input"]
    torch.manual_seed(0)
    x = torch.randn(batch, inp["channels"], inp["height"], inp["width"])
    y = torch.randint(0, spec["classes"], (batch,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-5)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    def infer_step():
        with torch.no_grad():
            model(x)

    results = {}
    for name, fn, mode in (("train", train_step, True), ("infer", infer_step, False)):
        model.train(mode)
        for _ in range(warmup):
            fn()
        times = []
        for _ in range(steps):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        times.sort()
        median = times[len(times) // 2]
        results[name] = {
            "medianSeconds": median,
            "minSeconds": times[0],
            "maxSeconds": times[-1],
            "imagesPerSecond": batch / median,
        }
    return results


def count_trainable(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class Worker:
    def __init__(self):
        self.models = {}

    def load(self, req):
        spec = req["spec"]
        if (spec.get("format"), spec.get("version")) != SUPPORTED_FORMAT:
            raise ValueError(f"unsupported spec format/version {spec.get('format')}/{spec.get('version')}")
        torch.set_num_threads(int(req.get("threads", 2)))
        torch.manual_seed(0)
        model = RandWire(spec)
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-5)
        self.models[req["key"]] = {"spec": spec, "model": model, "opt": opt, "batches": {}, "warm": set(),
                                   "threads": int(req.get("threads", 2))}
        return {"params": count_params(model), "trainableParams": count_trainable(model)}

    def run(self, req):
        entry = self.models[req["key"]]
        spec, model, opt = entry["spec"], entry["model"], entry["opt"]
        torch.set_num_threads(entry["threads"])  # per key: one worker can time 1 and 2 threads
        batch = int(req.get("batch", 64))
        if batch not in entry["batches"]:
            inp = spec["input"]
            g = torch.Generator().manual_seed(batch)
            entry["batches"][batch] = (
                torch.randn(batch, inp["channels"], inp["height"], inp["width"], generator=g),
                torch.randint(0, spec["classes"], (batch,), generator=g),
            )
        x, y = entry["batches"][batch]
        loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
        mode = req.get("mode", "train")
        if mode == "train":
            model.train(True)

            def step():
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(x), y)
                loss.backward()
                opt.step()
                return loss.item()
        elif mode == "infer":
            model.train(False)

            def step():
                with torch.no_grad():
                    return model(x)[0, 0].item()
        else:
            raise ValueError(f"unknown mode {mode!r}: must be train or infer")
        if (mode, batch) not in entry["warm"]:  # first call: one untimed step (allocations, caches)
            step()
            entry["warm"].add((mode, batch))
        seconds = float(req.get("seconds", 0.5))
        min_ops = int(req.get("min_ops", 1))
        steps = 0
        w0, c0 = time.perf_counter(), time.process_time()
        while True:
            step()
            steps += 1
            if steps >= min_ops and time.perf_counter() - w0 >= seconds:
                break
        return {"operations": steps * batch, "wall": time.perf_counter() - w0, "cpu": time.process_time() - c0,
                "steps": steps}

    def data(self, req):
        entry = self.models[req["key"]]
        inp = entry["spec"]["input"]
        n = int(req["count"])
        shape = (n, inp["height"], inp["width"], inp["channels"])
        images = torch.from_numpy(np.fromfile(req["images"], dtype=np.uint8, count=n * shape[1] * shape[2] * shape[3]))
        entry["data"] = (images.reshape(shape), torch.from_numpy(np.fromfile(req["labels"], dtype=np.uint8, count=n)).long(),
                         torch.tensor(inp["mean"]).view(1, -1, 1, 1), torch.tensor(inp["std"]).view(1, -1, 1, 1))
        return {"count": n}

    def loop(self, req):
        entry = self.models[req["key"]]
        model, opt = entry["model"], entry["opt"]
        torch.set_num_threads(entry["threads"])
        images, labels, mean, std = entry["data"]
        batch = int(req.get("batch", 64))
        steps_per_epoch = images.shape[0] // batch
        seconds = float(req.get("seconds", 5))
        min_steps = int(req.get("min_steps", 1))
        loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
        model.train(True)
        steps = correct = 0
        loss_sum = 0.0
        w0, c0 = time.perf_counter(), time.process_time()
        g = torch.Generator().manual_seed(0)
        while True:
            order = torch.randperm(images.shape[0], generator=g)
            for b in range(steps_per_epoch):
                idx = order[b * batch:(b + 1) * batch]
                x = (images[idx].permute(0, 3, 1, 2).float() / 255 - mean) / std
                y = labels[idx]
                for group in opt.param_groups:  # cosine from 0.1 over each epoch (as train()'s per-step schedule)
                    group["lr"] = 0.05 * (1 + math.cos(math.pi * b / steps_per_epoch))
                opt.zero_grad(set_to_none=True)
                logits = model(x)
                loss = loss_fn(logits, y)
                loss.backward()
                opt.step()
                loss_sum += loss.item()
                correct += int((logits.argmax(1) == y).sum().item())
                steps += 1
                if steps >= min_steps and time.perf_counter() - w0 >= seconds:
                    return {"operations": steps * batch, "wall": time.perf_counter() - w0,
                            "cpu": time.process_time() - c0, "steps": steps, "meanLoss": loss_sum / steps}

    def serve(self):
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            try:
                req = json.loads(line)
                op = req.get("op")
                if op == "info":
                    out = {"python": sys.version.split()[0], "torch": torch.__version__,
                           "threads": torch.get_num_threads()}
                elif op == "load":
                    out = self.load(req)
                elif op == "run":
                    out = self.run(req)
                elif op == "data":
                    out = self.data(req)
                elif op == "loop":
                    out = self.loop(req)
                elif op == "unload":
                    self.models.pop(req.get("key"), None)
                    out = {}
                else:
                    out = {"error": f"unknown op {op!r}"}
            except Exception as e:  # report, keep serving
                out = {"error": f"{type(e).__name__}: {e}"}
            sys.stdout.write(json.dumps(out) + "\n")
            sys.stdout.flush()


def main():
    if sys.argv[1:] in ([], ["--worker"]):
        torch.set_num_threads(2)
        Worker().serve()
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("spec")
    ap.add_argument("--mode", choices=["params", "bench"], default="bench")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args()
    try:
        with open(args.spec, encoding="utf-8") as f:
            spec = json.load(f)
    except (OSError, ValueError) as e:
        print(f"torch_randwire: cannot read spec {args.spec}: {e}", file=sys.stderr)
        return 2
    if (spec.get("format"), spec.get("version")) != SUPPORTED_FORMAT:
        print(f"torch_randwire: {args.spec}: unsupported format/version {spec.get('format')}/{spec.get('version')}",
              file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = RandWire(spec)
    out = {"params": count_params(model), "trainableParams": count_trainable(model), "torch": torch.__version__,
           "threads": torch.get_num_threads()}
    if args.mode == "bench":
        out["batch"] = args.batch
        out.update(bench(model, spec, args.batch, args.steps, args.warmup))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
