#!/usr/bin/env python3
"""PyTorch training reference for randwire's accuracy benchmark.

Trains the network of a randwire spec (the same nn.Module as torch_randwire.py) on
Fashion-MNIST IDX files and evaluates it on the test set, with every factor that can differ
between two training implementations under control, so that randwire and PyTorch can be run
with the *same* recipe, initial weights, data order and schedule (or with one factor changed):

    python3 torch_train.py REQUEST.json      (prints one JSON line)

REQUEST (JSON):
  spec          the randwire spec (object)
  data          folder with train-/t10k-{images-idx3,labels-idx1}-ubyte[.gz]
  limit         training images (the first N of the file), testLimit likewise (null = all)
  epochs, batch, lr, momentum, nesterov, weightDecay, labelSmoothing, warmupSteps
                the recipe; the learning rate of step t is randwire's learningRateAt (linear
                warm-up lr*(t+1)/W, then half-period cosine over the remaining steps, per step)
  decay         "kernels" (conv and dense kernels only, randwire's rule) or "all" (PyTorch's
                SGD weight_decay on every parameter)
  init          "pytorch" (PyTorch's default initialization, seeded by `seed`) or the path of a
                randwire weights file (see below) to start from
  order         "pytorch" (torch.randperm per epoch, seeded) or the path of a file of
                little-endian uint32 indices, epochs x N (randwire's shuffledIndices per epoch)
  padding       "same" (TensorFlow's 'same': the extra pad of a stride-2 layer at the end, as
                randwire) or "symmetric" (PyTorch's usual k // 2)
  seed, threads
  dumpInit      optional path: write the initial weights as a randwire weights file and exit

A randwire weights file is a JSON manifest PATH ({"weights": [{"name", "shape"}...]}, tfjs
layouts and spec parameter names) next to PATH + ".bin" (the float32 values, little-endian,
in manifest order).

Answer: {"testAcc", "testLoss", "trainLoss", "trainAcc", "steps", "trainSeconds",
"imagesPerSec", "evalSeconds", "torch", "threads"}; trainSeconds and imagesPerSec cover the
training loop only (batches from memory, forward, backward, step), as randwire's
metrics.jsonl does.
"""
import gzip
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_randwire as rw  # noqa: E402


# --- data ------------------------------------------------------------------------------------
def read_idx(path):
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path = path + ".gz"
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_split(folder, prefix, limit):
    images = read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"))
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    return images, labels


def normalize(images, spec):
    """uint8 [N, H, W] (or NHWC) -> float32 NCHW, (x / 255 - mean) / std per channel."""
    x = torch.from_numpy(np.ascontiguousarray(images)).float().div_(255.0)
    if x.dim() == 3:
        x = x.unsqueeze(-1)
    x = x.permute(0, 3, 1, 2).contiguous()
    mean = torch.tensor(spec["input"]["mean"]).view(1, -1, 1, 1)
    std = torch.tensor(spec["input"]["std"]).view(1, -1, 1, 1)
    return (x - mean) / std


# --- TensorFlow 'same' padding ---------------------------------------------------------------
def same_pads(size, k, s):
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


class SamePad(nn.Module):
    """Pads like TensorFlow's 'same' (extra pad at the end) before a layer with padding 0."""

    def __init__(self, k, s, value=0.0):
        super().__init__()
        self.k, self.s, self.value = k, s, value

    def forward(self, x):
        top, bottom = same_pads(x.shape[2], self.k, self.s)
        left, right = same_pads(x.shape[3], self.k, self.s)
        return F.pad(x, (left, right, top, bottom), value=self.value)


class SameAvgPool(nn.Module):
    """3x3 average pool, 'same' padding, padded cells excluded from the count (TensorFlow)."""

    def __init__(self, s):
        super().__init__()
        self.pad = SamePad(3, s)
        self.s = s

    def forward(self, x):
        ones = torch.ones_like(x[:1, :1])
        total = F.avg_pool2d(self.pad(x), 3, self.s, 0, divisor_override=1)
        count = F.avg_pool2d(self.pad(ones), 3, self.s, 0, divisor_override=1)
        return total / count


def use_same_padding(model):
    """Replaces every padded conv/pool of a torch_randwire RandWire with TensorFlow 'same'."""
    for parent in model.modules():
        for name, child in list(parent.named_children()):
            if isinstance(child, nn.Conv2d) and child.padding != (0, 0):
                k, s = child.kernel_size[0], child.stride[0]
                child.padding = (0, 0)
                setattr(parent, name, nn.Sequential(SamePad(k, s), child))
            elif isinstance(child, nn.MaxPool2d):
                setattr(parent, name, nn.Sequential(SamePad(3, child.stride, float("-inf")), nn.MaxPool2d(3, child.stride, 0)))
            elif isinstance(child, nn.AvgPool2d):
                setattr(parent, name, SameAvgPool(child.stride))


# --- randwire parameter names and layouts ----------------------------------------------------
def randwire_parameters(model, spec):
    """[(randwire name, torch tensor, layout)] for every parameter and BN statistic; layout is
    one of 'hwio' (dense conv), 'depthwise', 'dense' ([in, out]) and 'plain'."""
    out = []

    def conv_of(m):
        return m[1] if isinstance(m, nn.Sequential) and isinstance(m[0], SamePad) else m

    def bn(prefix, m):
        out.extend([(f"{prefix}/gamma", m.weight, "plain"), (f"{prefix}/beta", m.bias, "plain"),
                    (f"{prefix}/moving_mean", m.running_mean, "plain"),
                    (f"{prefix}/moving_variance", m.running_var, "plain")])

    for unit, mod in zip(spec["stem"], model.stem):
        out.append((f"{unit['name']}_conv/kernel", conv_of(mod.conv).weight, "hwio"))
        bn(f"{unit['name']}_bn", mod.bn)
    for stage, smod in zip(spec["stages"], model.stages):
        t = stage["transform"]
        for node, op in zip(stage["nodes"], smod.ops):
            p = f"{stage['name']}_n{node['id']}"
            if op.logits is not None:
                out.append((f"{p}_agg/logits", op.logits, "plain"))
            if t == "sep-conv-3x3":
                out.append((f"{p}_conv/depthwise_kernel", conv_of(op.op[0]).weight, "depthwise"))
                out.append((f"{p}_conv/pointwise_kernel", conv_of(op.op[1]).weight, "hwio"))
            elif t == "depthwise-3x3":
                out.append((f"{p}_conv/depthwise_kernel", conv_of(op.op).weight, "depthwise"))
            elif t == "conv-3x3":
                out.append((f"{p}_conv/kernel", conv_of(op.op).weight, "hwio"))
            else:  # pool + 1x1 conv
                out.append((f"{p}_conv/kernel", conv_of(op.op[1]).weight, "hwio"))
            bn(f"{p}_bn", op.bn)
    out.append(("head_conv/kernel", model.head_conv.weight, "hwio"))
    bn("head_bn", model.head_bn)
    out.append(("fc/kernel", model.fc.weight, "dense"))
    out.append(("fc/bias", model.fc.bias, "plain"))
    return out


def to_torch_layout(values, shape, layout):
    a = np.asarray(values, dtype=np.float32).reshape(shape)
    if layout == "hwio":  # [kh, kw, in, out] -> [out, in, kh, kw]
        return a.transpose(3, 2, 0, 1)
    if layout == "depthwise":  # [kh, kw, C, m] -> [C*m, 1, kh, kw] (output channel c*m + j)
        kh, kw, c, m = shape
        return a.transpose(2, 3, 0, 1).reshape(c * m, 1, kh, kw)
    if layout == "dense":  # [in, out] -> [out, in]
        return a.transpose(1, 0)
    return a


def to_randwire_layout(t, layout):
    a = t.detach().cpu().numpy().astype(np.float32)
    if layout == "hwio":
        return a.transpose(2, 3, 1, 0)
    if layout == "depthwise":  # [C*m, 1, kh, kw] -> [kh, kw, C, m]; m = 1 for these specs' ops
        cm, _, kh, kw = a.shape
        return a.reshape(cm, 1, kh, kw).transpose(2, 3, 0, 1)
    if layout == "dense":
        return a.transpose(1, 0)
    return a


def load_weights(model, spec, path):
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)["weights"]
    flat = np.fromfile(path + ".bin", dtype="<f4")
    by_name, offset = {}, 0
    for w in manifest:
        n = int(np.prod(w["shape"])) if w["shape"] else 1
        by_name[w["name"]] = (flat[offset: offset + n], w["shape"])
        offset += n
    if offset != flat.size:
        raise ValueError(f"{path}.bin holds {flat.size} floats, the manifest {offset}")
    params = randwire_parameters(model, spec)
    missing = [n for n, _, _ in params if n not in by_name]
    if missing or len(by_name) != len(params):
        raise ValueError(f"{path}: weights do not match the spec (missing {missing[:3]}, {len(by_name)} vs {len(params)})")
    with torch.no_grad():
        for name, tensor, layout in params:
            values, shape = by_name[name]
            tensor.copy_(torch.from_numpy(np.ascontiguousarray(to_torch_layout(values, shape, layout))).view_as(tensor))


def dump_weights(model, spec, path):
    manifest, chunks = [], []
    for name, tensor, layout in randwire_parameters(model, spec):
        a = to_randwire_layout(tensor, layout)
        manifest.append({"name": name, "shape": list(a.shape)})
        chunks.append(np.ascontiguousarray(a, dtype="<f4").ravel())
    tmp = path + ".tmp"
    np.concatenate(chunks).tofile(tmp + ".bin")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"weights": manifest}, f)
    os.replace(tmp + ".bin", path + ".bin")
    os.replace(tmp, path)


# --- training --------------------------------------------------------------------------------
def learning_rate_at(step, lr, total, warmup):
    if step < warmup:
        return lr * (step + 1) / warmup
    span = total - warmup
    if span <= 0:
        return lr
    t = min(step - warmup, span)
    return lr * 0.5 * (1 + math.cos(math.pi * t / span))


def evaluate(model, x, y, batch=500):
    model.train(False)
    correct, loss = 0, 0.0
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            logits = model(x[i: i + batch])
            loss += F.cross_entropy(logits, y[i: i + batch], reduction="sum").item()
            correct += (logits.argmax(1) == y[i: i + batch]).sum().item()
    return correct / x.shape[0], loss / x.shape[0]


def run(req):
    spec = req["spec"]
    torch.set_num_threads(int(req.get("threads", 2)))
    seed = int(req.get("seed", 0))
    torch.manual_seed(seed)
    model = rw.RandWire(spec)
    if req.get("padding", "same") == "same":
        use_same_padding(model)
    init = req.get("init", "pytorch")
    if init != "pytorch":
        load_weights(model, spec, init)
    if req.get("dumpInit"):
        dump_weights(model, spec, req["dumpInit"])
        return {"dumped": req["dumpInit"]}

    train_x, train_y = load_split(req["data"], "train", req.get("limit"))
    test_x, test_y = load_split(req["data"], "t10k", req.get("testLimit"))
    xs, ys = normalize(train_x, spec), torch.from_numpy(train_y.astype(np.int64))
    txs, tys = normalize(test_x, spec), torch.from_numpy(test_y.astype(np.int64))
    n, batch, epochs = xs.shape[0], int(req["batch"]), int(req["epochs"])
    steps_per_epoch = n // batch
    total = steps_per_epoch * epochs
    order = req.get("order", "pytorch")
    orders = None
    if order != "pytorch":
        orders = np.fromfile(order, dtype="<u4").astype(np.int64)
        if orders.size != epochs * n:
            raise ValueError(f"{order}: {orders.size} indices, expected epochs x N = {epochs * n}")
        orders = torch.from_numpy(orders.reshape(epochs, n))

    decay_kernels = req.get("decay", "kernels") == "kernels"
    named = {id(t): (name, layout) for name, t, layout in randwire_parameters(model, spec)}
    decayed, plain = [], []
    for p in model.parameters():
        _, layout = named[id(p)]
        (decayed if (layout != "plain" or not decay_kernels) else plain).append(p)
    wd = float(req["weightDecay"])
    opt = torch.optim.SGD([{"params": decayed, "weight_decay": wd}, {"params": plain, "weight_decay": 0.0}],
                          lr=float(req["lr"]), momentum=float(req["momentum"]), nesterov=bool(req["nesterov"]))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=float(req["labelSmoothing"]))
    g = torch.Generator().manual_seed(seed)
    step, loss_sum, correct, seen, train_seconds = 0, 0.0, 0, 0, 0.0
    warmup = int(req.get("warmupSteps", 0))
    for epoch in range(epochs):
        perm = orders[epoch] if orders is not None else torch.randperm(n, generator=g)
        model.train(True)
        t0 = time.perf_counter()
        for b in range(steps_per_epoch):
            idx = perm[b * batch: (b + 1) * batch]
            x, y = xs[idx], ys[idx]
            for group in opt.param_groups:
                group["lr"] = learning_rate_at(step, float(req["lr"]), total, warmup)
            opt.zero_grad(set_to_none=True)
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            opt.step()
            step += 1
            loss_sum += loss.item() * batch
            correct += (logits.argmax(1) == y).sum().item()
            seen += batch
        train_seconds += time.perf_counter() - t0
    e0 = time.perf_counter()
    acc, tloss = evaluate(model, txs, tys)
    return {"testAcc": acc, "testLoss": tloss, "trainLoss": loss_sum / max(seen, 1),
            "trainAcc": correct / max(seen, 1), "steps": step, "trainSeconds": train_seconds,
            "imagesPerSec": seen / train_seconds if train_seconds > 0 else 0.0,
            "evalSeconds": time.perf_counter() - e0, "torch": torch.__version__,
            "threads": torch.get_num_threads()}


def main():
    if len(sys.argv) != 2:
        print("usage: torch_train.py REQUEST.json", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        req = json.load(f)
    print(json.dumps(run(req)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
