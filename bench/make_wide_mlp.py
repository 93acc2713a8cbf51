#!/usr/bin/python3
"""Writes a 784-H-10 Fashion-MNIST MLP for timing `scprec verify` on a wide network.

Trained with numpy on the 2000 test images of examples/fashion_mlp/data.npz (full-batch Adam,
seeded), so that the calibration rows verify assigns, tunes and signs off on stay unseen. Only
a benchmark fixture: its accuracy is not a result. Writes OUT/model.npz (state_dict names and
layouts, float32); use it with the example's data.npz.

    /usr/bin/python3 bench/make_wide_mlp.py --hidden 1024 --out /tmp/wide1024
"""
import argparse
import os

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=1024)
    parser.add_argument("--epochs", type=int, default=150, help="full-batch steps")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..",
                                                       "examples", "fashion_mlp", "data.npz"))
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    data = np.load(args.data)
    x, y = data["x_test"].astype(np.float64), data["y_test"]
    rng = np.random.default_rng(args.seed)
    w1 = rng.normal(0, np.sqrt(2 / 784), (args.hidden, 784))
    b1 = np.zeros(args.hidden)
    w2 = rng.normal(0, np.sqrt(2 / args.hidden), (10, args.hidden))
    b2 = np.zeros(10)
    params = [w1, b1, w2, b2]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    onehot = np.eye(10)[y]
    for step in range(1, args.epochs + 1):
        h = np.maximum(x @ w1.T + b1, 0)
        logits = h @ w2.T + b2
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        d_logits = (p - onehot) / len(x)
        d_h = (d_logits @ w2) * (h > 0)
        grads = [d_h.T @ x, d_h.sum(axis=0), d_logits.T @ h, d_logits.sum(axis=0)]
        for k, (param, grad) in enumerate(zip(params, grads)):
            m, v = moments[k]
            m[:] = 0.9 * m + 0.1 * grad
            v[:] = 0.999 * v + 0.001 * grad * grad
            param -= 1e-3 * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    accuracy = float((logits.argmax(axis=1) == y).mean())
    print(f"784-{args.hidden}-10: training accuracy {accuracy:.3f} after {args.epochs} steps")
    os.makedirs(args.out, exist_ok=True)
    np.savez(os.path.join(args.out, "model.npz"),
             **{"fc1.weight": w1.astype(np.float32), "fc1.bias": b1.astype(np.float32),
                "fc2.weight": w2.astype(np.float32), "fc2.bias": b2.astype(np.float32)})


if __name__ == "__main__":
    main()
