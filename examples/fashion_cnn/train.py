#!/usr/bin/python3
"""Train the small Fashion-MNIST CNN bundled with scprec's fashion_cnn example.

Writes, next to this script:

  model.npz           the state_dict (float32, PyTorch naming and layout): conv1.weight
                      (16, 1, 5, 5), conv2.weight (32, 16, 5, 5), fc.weight (10, 512), biases
  manifest.json       input_shape (1, 28, 28) and each layer's kind, stride, padding,
                      activation and pooling, for scprec's --manifest
  model.onnx          the same network exported by torch.onnx.export (opset 17)
  expected.json       float64 accuracy of the saved weights on the calibration and test splits
                      of ../fashion_mlp/data.npz and on the full official test set

The data are the fashion_mlp example's (../fashion_mlp/data.npz: the last 1000 official
training images as calibration rows, the first 2000 official test images as the test split),
so the CNN trains on the same first 59,000 training images and is judged on the same rows.

Network: conv 1->16 5x5, ReLU, max pool 2, conv 16->32 5x5, ReLU, max pool 2, flatten (512),
linear 512->10. Adam (lr 1e-3, halved every 5 epochs), batches of 128, seeded with
torch.manual_seed(seed); one thread, so a rerun with the same seed and torch build gives the
same weights.

Usage (CI never runs this; the committed files are used):

    apt-get install python3-torch python3-numpy dataset-fashion-mnist
    /usr/bin/python3 examples/fashion_cnn/train.py [--seed 1] [--epochs 15]
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fashion_mlp"))
from train import (NUM_CALIBRATION, NUM_TEST_IMAGES, NUM_TRAIN_IMAGES,  # noqa: E402
                   TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS, load_split)

LAYERS = [
    {"name": "conv1", "kind": "conv2d", "stride": 1, "padding": 0, "activation": "relu",
     "pool": {"kind": "max", "size": 2}},
    {"name": "conv2", "kind": "conv2d", "stride": 1, "padding": 0, "activation": "relu",
     "pool": {"kind": "max", "size": 2}},
    {"name": "fc", "kind": "linear", "activation": "identity"},
]


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5)
        self.conv2 = nn.Conv2d(16, 32, 5)
        self.fc = nn.Linear(512, 10)

    def forward(self, x):
        x = nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = nn.functional.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.fc(torch.flatten(x, 1))


def accuracy(model, x, y):
    with torch.no_grad():
        logits = model(torch.from_numpy(x).reshape(-1, 1, 28, 28))
    correct = int((logits.argmax(1).numpy() == y).sum())
    return {"num_samples": int(len(y)), "num_correct": correct, "accuracy": correct / len(y)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--dataset-dir", default="/usr/share/datasets/fashion-mnist")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    start = time.time()

    x_all, y_all = load_split(args.dataset_dir, TRAIN_IMAGES, TRAIN_LABELS, NUM_TRAIN_IMAGES)
    x_test_all, y_test_all = load_split(args.dataset_dir, TEST_IMAGES, TEST_LABELS,
                                        NUM_TEST_IMAGES)
    fit = NUM_TRAIN_IMAGES - NUM_CALIBRATION
    x_fit = torch.from_numpy(x_all[:fit]).reshape(-1, 1, 28, 28)
    y_fit = torch.from_numpy(y_all[:fit])

    model = Cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(fit)
        for b in range(0, fit, 128):
            batch = order[b:b + 128]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x_fit[batch]), y_fit[batch])
            loss.backward()
            optimizer.step()
        schedule.step()
        model.eval()
        calib = accuracy(model, x_all[fit:], y_all[fit:])["accuracy"]
        print(f"epoch {epoch + 1}: loss {loss.item():.4f}, calibration {calib:.4f} "
              f"({time.time() - start:.0f} s)", flush=True)

    model.eval()
    np.savez(os.path.join(HERE, "model.npz"),
             **{k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()})
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump({"input_shape": [1, 28, 28], "layers": LAYERS}, f, indent=1)
        f.write("\n")
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), os.path.join(HERE, "model.onnx"),
                      opset_version=17, input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True)

    # Float64 accuracy of the weights exactly as saved, on the rows scprec reads.
    saved = Cnn().double()
    with np.load(os.path.join(HERE, "model.npz")) as f:
        saved.load_state_dict({k: torch.from_numpy(f[k].astype(np.float64)) for k in f.files})
    saved.eval()
    with np.load(os.path.join(HERE, "..", "fashion_mlp", "data.npz")) as f:
        data = {k: f[k] for k in f.files}
    expected = {
        "seed": args.seed,
        "epochs": args.epochs,
        "float_accuracy_full_test":
            accuracy(saved, x_test_all.astype(np.float64), y_test_all)["accuracy"],
        "calibration": accuracy(saved, data["x"].astype(np.float64), data["y"]),
        "test": accuracy(saved, data["x_test"].astype(np.float64), data["y_test"]),
    }
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")
    print(json.dumps(expected, indent=2, sort_keys=True))
    print(f"total time {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
