#!/usr/bin/env python3
"""
The browser bench's peer model (scripts/bench/peer.ts): a shipped DiT exported to ONNX for
onnxruntime-web. It is the PyTorch reference model (tests/reference/dit_reference.py) with the
folder's weights (a tfjs weights manifest, float16 or float32), so the peer runs the same network on
the same numbers as DiT.infer. Inputs: x (N, C, H, W) float32 (NCHW, as the official code), t (N)
float32 timesteps, y (N) int64 labels; output (N, C_out, H, W). N is dynamic.

  /usr/bin/python3 scripts/bench/onnx_export.py --model public/models/dit-default-v1 --out artifacts/bench/dit-default.onnx

Prints one JSON object: the file, its size, the opset and the parameter count.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "reference"))
from dit_reference import DiT  # noqa: E402


def read_weights(folder):
    """The tensors of a tfjs weights manifest (model.json and its shards), by name, as float32."""
    with open(os.path.join(folder, "model.json")) as f:
        model = json.load(f)
    out = {}
    for group in model["weightsManifest"]:
        data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            count = int(np.prod(spec["shape"])) if spec["shape"] else 1
            stored = spec.get("quantization", {}).get("dtype", spec["dtype"])
            dtype = {"float16": np.float16, "float32": np.float32, "int32": np.int32}[stored]
            size = count * np.dtype(dtype).itemsize
            values = np.frombuffer(data[offset : offset + size], dtype=dtype).astype(np.float32)
            out[spec["name"]] = torch.from_numpy(values.reshape(spec["shape"]).copy())
            offset += size
    return out


class Network(torch.nn.Module):
    """DiT.forward without the traces: (x, t, y) -> output."""

    def __init__(self, dit):
        super().__init__()
        self.dit = dit

    def forward(self, x, t, y):
        return self.dit(x, t, y)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="public/models/dit-default-v1")
    ap.add_argument("--out", default="artifacts/bench/dit-default.onnx")
    ap.add_argument("--opset", type=int, default=13)
    a = ap.parse_args()
    with open(os.path.join(a.model, "manifest.json")) as f:
        c = json.load(f)["config"]
    dit = DiT(
        c["inputSize"], c["patchSize"], c["inChannels"], c["hiddenSize"], c["depth"], c["numHeads"], c["mlpRatio"],
        c["classDropoutProb"], c["numClasses"], c["learnSigma"], c["conditioning"],
    )
    weights = read_weights(a.model)
    dit.load_state_dict({k: v.reshape(dit.state_dict()[k].shape) for k, v in weights.items()})
    net = Network(dit).eval()
    n = 2
    x = torch.randn(n, c["inChannels"], c["inputSize"], c["inputSize"])
    t = torch.full((n,), 500.0)
    y = torch.tensor([3, c["numClasses"]], dtype=torch.int64)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            net, (x, t, y), a.out, opset_version=a.opset, input_names=["x", "t", "y"], output_names=["out"],
            dynamic_axes={"x": {0: "n"}, "t": {0: "n"}, "y": {0: "n"}, "out": {0: "n"}},
        )
    print(json.dumps({"file": a.out, "bytes": os.path.getsize(a.out), "opset": a.opset,
                      "parameters": sum(p.numel() for p in dit.parameters())}))


if __name__ == "__main__":
    main()
