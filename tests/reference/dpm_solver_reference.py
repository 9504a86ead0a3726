"""
Independent reference for DPM-Solver++(2M) (lib/diffusion/gaussian-diffusion.ts dpmSolver2MStep),
written from Lu et al. 2022, "DPM-Solver++", Algorithm 2, in float64 numpy:

    x_1 = (sigma_1 / sigma_0) x_0 - alpha_1 (e^{-h_1} - 1) x_theta(x_0, t_0)
    D_i = (1 + 1 / (2 r_i)) x_theta(x_{i-1}, t_{i-1}) - (1 / (2 r_i)) x_theta(x_{i-2}, t_{i-2})
    x_i = (sigma_i / sigma_{i-1}) x_{i-1} - alpha_i (e^{-h_i} - 1) D_i,   r_i = h_{i-1} / h_i

with lambda = log(alpha / sigma) and h_i = lambda_i - lambda_{i-1}, over DiT's linear schedule
respaced to K steps as the official space_timesteps does. The last step lands on abar = 1
(sigma = 0), where the update is x_theta itself (diffusers' final_sigmas_type "zero").
The network is a fixed smooth function of x, t and y (eps prediction), the same as
tests/unit/diffusion/dpm-solver.test.ts builds in tfjs.

    python3 tests/reference/dpm_solver_reference.py   # writes tests/reference/golden/dpm-solver.json
"""
import json
import os

import numpy as np

T = 1000
GOLDEN = os.path.join(os.path.dirname(__file__), "golden")


def abar_linear():
    betas = np.linspace(1e-4, 0.02, T, dtype=np.float64)
    return np.cumprod(1.0 - betas)


def kept_steps(k):
    stride = (T - 1) / (k - 1)
    return sorted({round(j * stride) for j in range(k)})


def fake_eps(x, t_orig, labels):
    ch = np.arange(1, x.shape[-1] + 1, dtype=np.float64).reshape(1, 1, 1, -1)
    y = np.asarray(labels, dtype=np.float64).reshape(-1, 1, 1, 1)
    return np.tanh(0.9 * x + 0.05 * ch) + 0.02 * y + 1e-4 * t_orig


def solve(x_t, labels, k):
    abar = abar_linear()
    keep = kept_steps(k)[::-1]  # original timesteps, high to low
    a = lambda i: np.sqrt(abar[keep[i]])
    s = lambda i: np.sqrt(1.0 - abar[keep[i]])
    lam = lambda i: np.log(a(i) / s(i))
    x = x_t.astype(np.float64)
    preds = []
    for i in range(len(keep)):
        eps = fake_eps(x, keep[i], labels)
        x0 = (x - s(i) * eps) / a(i)
        preds.append(x0)
        if i == len(keep) - 1:
            x = x0  # to abar = 1
            break
        a_n, s_n = np.sqrt(abar[keep[i + 1]]), np.sqrt(1.0 - abar[keep[i + 1]])
        h = np.log(a_n / s_n) - lam(i)
        if i == 0:
            d = x0
        else:
            r = (lam(i) - lam(i - 1)) / h
            d = (1 + 1 / (2 * r)) * x0 - (1 / (2 * r)) * preds[i - 1]
        x = (s_n / s(i)) * x - a_n * (np.exp(-h) - 1) * d
    return x


def main():
    rng = np.random.default_rng(20261207)
    shape = (2, 3, 3, 4)
    labels = [3, 7]
    x_t = rng.standard_normal(shape).astype(np.float32).astype(np.float64)
    runs = [{"steps": k, "sample": solve(x_t, labels, k).reshape(-1).tolist()} for k in (10, 25)]
    out = {"generator": "tests/reference/dpm_solver_reference.py", "numpy": np.__version__, "shape": list(shape), "labels": labels,
           "xT": x_t.reshape(-1).tolist(), "runs": runs}
    os.makedirs(GOLDEN, exist_ok=True)
    path = os.path.join(GOLDEN, "dpm-solver.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    main()
