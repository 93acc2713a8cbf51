#!/usr/bin/env python3
"""Writes model.onnx, the ONNX twin of model.npz, with PyTorch's exporter.

Run with Debian's python3 (python3-torch, python3-numpy) from this folder:

    /usr/bin/python3 export_onnx.py

The network is rebuilt from model.npz (the weights train.py wrote), so scprec reads both files to
the same network and the same model hash. Opset 17, a dynamic batch axis. CI does not run this.
"""
import os

import numpy as np
import torch
from torch import nn


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    weights = np.load(os.path.join(here, "model.npz"))
    net = nn.Sequential()
    net.add_module("fc1", nn.Linear(784, 128))
    net.add_module("relu1", nn.ReLU())
    net.add_module("fc2", nn.Linear(128, 64))
    net.add_module("relu2", nn.ReLU())
    net.add_module("fc3", nn.Linear(64, 10))
    net.load_state_dict({name: torch.from_numpy(weights[name]) for name in weights.files})
    net.eval()
    torch.onnx.export(net, torch.zeros(1, 784), os.path.join(here, "model.onnx"),
                      opset_version=17, input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True)


if __name__ == "__main__":
    main()
