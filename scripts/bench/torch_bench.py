#!/usr/bin/env python3
"""
PyTorch peer for scripts/bench.ts: the same DiT (tests/reference/dit_reference.py, adaLN-Zero) at the
same size, the same loss (mean squared error of the full output against a random target) and Adam,
timed on the CPU. Prints one JSON object.

  /usr/bin/python3 scripts/bench/torch_bench.py --hidden 128 --depth 6 --heads 4 --patch 2 --batches 64,256 --threads 2
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "reference"))
from dit_reference import DiT  # noqa: E402


def blas_info():
    cfg = torch.__config__.show()
    lines = [l.strip() for l in cfg.splitlines() if "BLAS" in l or "LAPACK" in l]
    # Which libblas.so.3 the process actually mapped (Debian's torch links the generic libblas.so.3,
    # which update-alternatives points at OpenBLAS or the reference BLAS).
    mapped = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                if "blas" in line.lower():
                    mapped.add(line.split()[-1])
    except OSError:
        pass
    real = sorted({os.path.realpath(m) for m in mapped})
    return {"config": lines, "mapped": real}


def gemm_gflops(n=1024, reps=5):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    a @ b
    best = 1e9
    for _ in range(reps):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * n ** 3 / best / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", type=int, default=8)
    ap.add_argument("--channels", type=int, default=4)
    ap.add_argument("--patch", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--batches", default="64,256")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = DiT(a.input, a.patch, a.channels, a.hidden, a.depth, a.heads, 4, 0.1, a.classes, True, "adaLN-Zero")
    n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    results = {}
    for batch in [int(b) for b in a.batches.split(",")]:
        x = torch.randn(batch, a.channels, a.input, a.input)
        t = torch.randint(0, 1000, (batch,))
        y = torch.randint(0, a.classes + 1, (batch,))
        target = torch.randn(batch, 2 * a.channels, a.input, a.input)

        def step():
            opt.zero_grad(set_to_none=True)
            loss = ((model(x, t, y) - target) ** 2).mean()
            loss.backward()
            opt.step()
            return loss.item()

        def forward():
            with torch.no_grad():
                return model(x, t, y).sum().item()

        out = {}
        for name, fn in [("forward", forward), ("trainStep", step)]:
            for _ in range(a.warmup):
                fn()
            times = []
            c0 = time.process_time()  # CPU seconds of the process, all threads
            for _ in range(a.reps):
                t0 = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t0)
            cpu = (time.process_time() - c0) / a.reps
            out[name] = {"medianS": statistics.median(times), "minS": min(times), "cpuS": cpu, "reps": len(times)}
        results[str(batch)] = out
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "params": n_params,
        "blas": blas_info(), "gemm1024Gflops": gemm_gflops(), "results": results,
    }))


if __name__ == "__main__":
    main()
