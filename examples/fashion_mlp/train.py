#!/usr/bin/python3
"""Train the small Fashion-MNIST MLP bundled with scprec's fashion_mlp example.

This script produces the three committed files next to it:

  model.npz      784-128-64-10 MLP weights (ReLU, ReLU, linear), float32,
                 PyTorch state_dict naming and layout (weight is (out, in)).
  data.npz       a calibration split (the last 1000 official training images,
                 never trained on) and a test split (the first 2000 official
                 test images), pixels scaled to [0, 1] as float32.
  expected.json  reference results: float64 forward-pass accuracy on both
                 splits of data.npz (which the C++ side reproduces exactly)
                 and on the full 10,000-image test set.

The network is trained with Adam on the first 59,000 training images, using
numpy only.  Everything is seeded through numpy.random.default_rng(seed), so a
rerun with the same seed and the same numpy/BLAS gives byte-identical files
(np.savez writes every zip member with zipfile's fixed 1980-01-01 default
timestamp, not the current time).

Usage (CI never runs this; the committed output files are used):

    apt-get install python3-numpy dataset-fashion-mnist
    /usr/bin/python3 examples/fashion_mlp/train.py [--seed 1] [--epochs 15]
                                                   [--out-dir DIR]
"""

import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np

DATASET_DIR = "/usr/share/datasets/fashion-mnist"
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"

IMAGE_ROWS = 28
IMAGE_COLS = 28
NUM_INPUTS = IMAGE_ROWS * IMAGE_COLS
NUM_CLASSES = 10
LAYER_SIZES = (NUM_INPUTS, 128, 64, NUM_CLASSES)
LAYER_NAMES = ("fc1", "fc2", "fc3")

NUM_TRAIN_IMAGES = 60000
NUM_TEST_IMAGES = 10000
NUM_CALIBRATION = 1000   # last images of the official training set
NUM_HELD_OUT_TEST = 2000  # first images of the official test set

IDX_UBYTE = 0x08  # IDX element type code for unsigned bytes


# --------------------------------------------------------------------------
# Dataset loading
# --------------------------------------------------------------------------

def read_idx(path, expected_shape):
    """Read a gzip-compressed IDX file of unsigned bytes into a uint8 array.

    The IDX header is: two zero bytes, an element type code, the number of
    dimensions, then one big-endian uint32 per dimension.
    """
    if not os.path.isfile(path):
        sys.exit(f"error: {path} not found.\n"
                 f"Install the Fashion-MNIST dataset with:\n"
                 f"    apt-get install dataset-fashion-mnist")
    with gzip.open(path, "rb") as f:
        raw = f.read()

    if len(raw) < 4:
        raise ValueError(f"{path}: file too short for an IDX header")
    zero0, zero1, type_code, ndim = struct.unpack(">BBBB", raw[:4])
    if zero0 != 0 or zero1 != 0 or type_code != IDX_UBYTE:
        raise ValueError(f"{path}: bad IDX magic number {raw[:4].hex()}")
    if ndim != len(expected_shape):
        raise ValueError(f"{path}: expected {len(expected_shape)} "
                         f"dimensions, got {ndim}")

    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise ValueError(f"{path}: truncated IDX header")
    shape = struct.unpack(f">{ndim}I", raw[4:header_size])
    if tuple(shape) != tuple(expected_shape):
        raise ValueError(f"{path}: expected shape {tuple(expected_shape)}, "
                         f"got {tuple(shape)}")

    count = int(np.prod(shape))
    if len(raw) != header_size + count:
        raise ValueError(f"{path}: expected {header_size + count} bytes, "
                         f"got {len(raw)}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(shape)


def load_split(dataset_dir, images_name, labels_name, count):
    """Return (images, labels): float32 (count, 784) in [0, 1], int64 (count,)."""
    images = read_idx(os.path.join(dataset_dir, images_name),
                      (count, IMAGE_ROWS, IMAGE_COLS))
    labels = read_idx(os.path.join(dataset_dir, labels_name), (count,))
    if labels.max() >= NUM_CLASSES:
        raise ValueError(f"{labels_name}: label out of range 0..9")
    x = images.reshape(count, NUM_INPUTS).astype(np.float32) / np.float32(255)
    y = labels.astype(np.int64)
    return x, y


# --------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------

def init_params(rng):
    """He-normal weights (out, in) and zero biases, all float32."""
    params = {}
    for name, fan_in, fan_out in zip(LAYER_NAMES, LAYER_SIZES[:-1],
                                     LAYER_SIZES[1:]):
        std = np.float32(np.sqrt(2.0 / fan_in))
        params[f"{name}.weight"] = (
            rng.standard_normal((fan_out, fan_in), dtype=np.float32) * std)
        params[f"{name}.bias"] = np.zeros(fan_out, dtype=np.float32)
    return params


def forward(params, x):
    """Return the logits and the list of layer inputs (for backprop).

    Works in whatever float dtype params and x have.
    """
    activations = [x]
    h = x
    for i, name in enumerate(LAYER_NAMES):
        h = h @ params[f"{name}.weight"].T + params[f"{name}.bias"]
        if i < len(LAYER_NAMES) - 1:
            h = np.maximum(h, 0)
            activations.append(h)
    return h, activations


def softmax_cross_entropy(logits, labels):
    """Mean cross-entropy loss and its gradient with respect to the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    probs = exp / exp.sum(axis=1, keepdims=True)
    n = logits.shape[0]
    rows = np.arange(n)
    loss = -np.mean(np.log(probs[rows, labels] + np.float32(1e-12)))
    grad = probs
    grad[rows, labels] -= 1
    grad /= np.float32(n)
    return float(loss), grad


def backward(params, activations, grad_logits):
    """Gradients of the loss for every parameter, given dLoss/dLogits."""
    grads = {}
    grad = grad_logits
    for i in reversed(range(len(LAYER_NAMES))):
        name = LAYER_NAMES[i]
        layer_input = activations[i]
        grads[f"{name}.weight"] = grad.T @ layer_input
        grads[f"{name}.bias"] = grad.sum(axis=0)
        if i > 0:
            grad = grad @ params[f"{name}.weight"]
            grad *= layer_input > 0  # ReLU derivative
    return grads


class Adam:
    """Plain Adam (Kingma & Ba), float32 state."""

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step_size = np.float32(self.lr * np.sqrt(1 - b2 ** self.t)
                               / (1 - b1 ** self.t))
        for k in params:
            g = grads[k]
            self.m[k] *= np.float32(b1)
            self.m[k] += np.float32(1 - b1) * g
            self.v[k] *= np.float32(b2)
            self.v[k] += np.float32(1 - b2) * (g * g)
            params[k] -= step_size * self.m[k] / (np.sqrt(self.v[k])
                                                  + np.float32(self.eps))


def predict(params, x, batch_size=1000):
    """Argmax class predictions (numpy argmax: ties go to the lowest index)."""
    out = []
    for start in range(0, len(x), batch_size):
        logits, _ = forward(params, x[start:start + batch_size])
        out.append(np.argmax(logits, axis=1))
    return np.concatenate(out)


def train(params, x, y, x_calib, y_calib, epochs, batch_size, lr, rng):
    """Mini-batch Adam training; prints loss and calibration accuracy."""
    opt = Adam(params, lr=lr)
    n = len(x)
    for epoch in range(1, epochs + 1):
        start_time = time.time()
        order = rng.permutation(n)
        total_loss = 0.0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            logits, activations = forward(params, x[idx])
            loss, grad_logits = softmax_cross_entropy(logits, y[idx])
            opt.step(params, backward(params, activations, grad_logits))
            total_loss += loss * len(idx)
        calib_acc = np.mean(predict(params, x_calib) == y_calib)
        print(f"epoch {epoch:2d}/{epochs}  loss {total_loss / n:.4f}  "
              f"calibration accuracy {calib_acc:.4f}  "
              f"({time.time() - start_time:.1f} s)", flush=True)


# --------------------------------------------------------------------------
# Reference results
# --------------------------------------------------------------------------

def forward_float64(model, x):
    """Logits computed in float64 from the float32 arrays as saved."""
    h = x.astype(np.float64)
    for i, name in enumerate(LAYER_NAMES):
        w = model[f"{name}.weight"].astype(np.float64)
        b = model[f"{name}.bias"].astype(np.float64)
        h = h @ w.T + b
        if i < len(LAYER_NAMES) - 1:
            h = np.maximum(h, 0.0)
    return h


def split_result(model, x, y):
    """Sample count, number correct and accuracy of the float64 forward pass."""
    correct = int(np.sum(np.argmax(forward_float64(model, x), axis=1) == y))
    return {"num_samples": int(len(y)), "num_correct": correct,
            "accuracy": correct / len(y)}


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def parse_args():
    script_dir = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(
        description="Train the fashion_mlp example model and write "
                    "model.npz, data.npz and expected.json.")
    parser.add_argument("--seed", type=int, default=1,
                        help="seed for numpy.random.default_rng (default 1)")
    parser.add_argument("--epochs", type=int, default=15,
                        help="training epochs (default 15)")
    parser.add_argument("--batch-size", type=int, default=128,
                        help="mini-batch size (default 128)")
    parser.add_argument("--lr", type=float, default=1e-3,
                        help="Adam learning rate (default 1e-3)")
    parser.add_argument("--dataset-dir", default=DATASET_DIR,
                        help=f"Fashion-MNIST IDX directory "
                             f"(default {DATASET_DIR})")
    parser.add_argument("--out-dir", default=script_dir,
                        help="output directory (default: this script's "
                             "directory)")
    return parser.parse_args()


def main():
    args = parse_args()
    t_start = time.time()

    x_train_all, y_train_all = load_split(args.dataset_dir, TRAIN_IMAGES,
                                          TRAIN_LABELS, NUM_TRAIN_IMAGES)
    x_test_all, y_test_all = load_split(args.dataset_dir, TEST_IMAGES,
                                        TEST_LABELS, NUM_TEST_IMAGES)

    num_fit = NUM_TRAIN_IMAGES - NUM_CALIBRATION
    x_fit, y_fit = x_train_all[:num_fit], y_train_all[:num_fit]
    x_calib, y_calib = x_train_all[num_fit:], y_train_all[num_fit:]
    x_test, y_test = (x_test_all[:NUM_HELD_OUT_TEST],
                      y_test_all[:NUM_HELD_OUT_TEST])
    print(f"training on {len(x_fit)} images, calibration {len(x_calib)}, "
          f"test split {len(x_test)} (of {len(x_test_all)})", flush=True)

    rng = np.random.default_rng(args.seed)
    params = init_params(rng)
    train(params, x_fit, y_fit, x_calib, y_calib, args.epochs,
          args.batch_size, args.lr, rng)

    os.makedirs(args.out_dir, exist_ok=True)
    model_path = os.path.join(args.out_dir, "model.npz")
    data_path = os.path.join(args.out_dir, "data.npz")
    expected_path = os.path.join(args.out_dir, "expected.json")

    # Keyword order is the member order in the archive.
    np.savez(model_path, **{
        name: params[name].astype(np.float32)
        for name in ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias",
                     "fc3.weight", "fc3.bias")})
    np.savez_compressed(data_path, x=x_calib, y=y_calib,
                        x_test=x_test, y_test=y_test)

    # Reference results from the arrays exactly as saved.
    with np.load(model_path) as f:
        model = {k: f[k] for k in f.files}
    with np.load(data_path) as f:
        data = {k: f[k] for k in f.files}
    full_test = split_result(model, x_test_all, y_test_all)
    expected = {
        "seed": args.seed,
        "epochs": args.epochs,
        "float_accuracy_full_test": full_test["accuracy"],
        "calibration": split_result(model, data["x"], data["y"]),
        "test": split_result(model, data["x_test"], data["y_test"]),
    }
    with open(expected_path, "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")

    for path in (model_path, data_path, expected_path):
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")
    print(f"float64 accuracy: full test {full_test['accuracy']:.4f}, "
          f"calibration {expected['calibration']['accuracy']:.4f}, "
          f"test split {expected['test']['accuracy']:.4f}")
    print(f"total time {time.time() - t_start:.1f} s")


if __name__ == "__main__":
    main()
