"""Regenerate ``torch_reference.npz``: PyTorch's answers the parity tests compare against.

The parity tests (``tests/test_parity.py``) check the library against PyTorch on every
machine without installing PyTorch: this script computes, with PyTorch's autograd and
``torch.optim`` in float64, the reference values for

- every activation and its derivative on a grid (``act/...``);
- the losses and their gradients (``loss/...``);
- the parameter and input gradients of small MLPs: plain, with batch norm, residual
  (``mlp/...``);
- batch norm's forward, running statistics, inference and backward (``bn/...``);
- global-norm and value clipping (``clip/...``);
- backpropagation through time in an Elman RNN (``rnn/...``);
- every optimizer configuration over 100 steps on a convex quadratic, at several steps of
  the trajectory (``optim/...``).

The inputs (drawn here with NumPy) are stored next to the outputs, so the tests never need
to reproduce a random stream. The file needs only NumPy to read.

Run it from the repository root with an environment that has PyTorch (CPU is enough;
``pip install torch --index-url https://download.pytorch.org/whl/cpu``)::

    python tests/golden/make_torch_reference.py           # rewrite the file
    python tests/golden/make_torch_reference.py --check   # compare, exit 1 on a mismatch

Add a case by editing the tables below (``ACTIVATIONS``, ``MLPS``, ``RNNS``,
``OPTIMIZERS``), rerun, and commit the script and the data together. The parity tests
read the case lists from the file, so a new case is tested without editing them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).with_name("torch_reference.npz")

# name, library parameters -> (torch function, its keyword arguments)
ACTIVATIONS: list[tuple[str, dict[str, Any]]] = [
    ("identity", {}),
    ("sigmoid", {}),
    ("tanh", {}),
    ("relu", {}),
    ("leaky_relu", {}),
    ("leaky_relu", {"slope": 0.2}),
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("selu", {}),
    ("gelu", {}),
    ("gelu", {"approximate": True}),
    ("softplus", {}),
    ("silu", {}),
    ("softsign", {}),
]

# sizes, hidden activation, batch_norm, residual, residual_scale
MLPS: list[dict[str, Any]] = [
    {"sizes": [6, 8, 8, 3], "activation": "tanh", "batch_norm": False, "residual": False},
    {"sizes": [6, 8, 8, 3], "activation": "relu", "batch_norm": True, "residual": False},
    {
        "sizes": [6, 8, 8, 8, 3],
        "activation": "gelu",
        "batch_norm": True,
        "residual": True,
        "residual_scale": 0.5,
    },
    {"sizes": [6, 8, 8, 8, 3], "activation": "selu", "batch_norm": False, "residual": True},
]

RNNS: list[dict[str, Any]] = [
    {"activation": "tanh", "n_out": 2, "gain": 1.2},
    {"activation": "relu", "n_out": None, "gain": 0.9},
    {"activation": "sigmoid", "n_out": 2, "gain": 3.0},
]

# torch.optim keyword arguments, the library's get_optimizer takes the same
OPTIMIZERS: list[tuple[str, dict[str, Any]]] = [
    ("sgd", {"lr": 0.05}),
    ("sgd", {"lr": 0.05, "weight_decay": 0.1}),
    ("sgd", {"lr": 0.05, "momentum": 0.9}),
    ("sgd", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    ("sgd", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1, "dampening": 0.3}),
    ("sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("sgd", {"lr": 0.05, "momentum": 0.5, "nesterov": True, "weight_decay": 0.1}),
    ("adagrad", {}),
    ("adagrad", {"lr": 0.1, "weight_decay": 0.1}),
    ("adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-3}),
    ("rmsprop", {}),
    ("rmsprop", {"alpha": 0.9, "weight_decay": 0.1}),
    ("rmsprop", {"momentum": 0.9}),
    ("rmsprop", {"lr": 1e-3, "momentum": 0.5, "weight_decay": 0.1, "eps": 1e-4}),
    ("adam", {}),
    ("adam", {"lr": 0.01, "weight_decay": 0.1}),
    ("adam", {"lr": 0.01, "betas": [0.3, 0.5], "eps": 1e-3}),
    # lr small enough to stay away from the chaotic regime near the minimum, where
    # sign-like steps amplify 1-ulp differences exponentially
    ("adam", {"lr": 1e-3, "betas": [0.0, 0.9]}),
    ("adamw", {}),
    ("adamw", {"lr": 0.01, "weight_decay": 0.5}),
    ("adamw", {"lr": 0.01, "weight_decay": 0.0, "betas": [0.5, 0.99]}),
]
OPTIM_STEPS = 100
OPTIM_SNAPSHOTS = [1, 2, 3, 5, 10, 20, 50, 100]
TORCH_OPTIM = {"sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adam": "Adam"}
TORCH_OPTIM["adamw"] = "AdamW"


def _torch_activation(torch: Any, name: str, params: dict[str, Any]) -> Any:
    F = torch.nn.functional
    table = {
        "identity": lambda z: z,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": F.relu,
        "leaky_relu": lambda z: F.leaky_relu(z, params.get("slope", 0.01)),
        "elu": lambda z: F.elu(z, params.get("alpha", 1.0)),
        "selu": F.selu,
        "gelu": lambda z: F.gelu(z, approximate="tanh" if params.get("approximate") else "none"),
        # torch switches to the identity above `threshold` (20 by default); the library
        # computes softplus exactly, so move the switch past the grid
        "softplus": lambda z: F.softplus(z, threshold=100.0),
        "silu": F.silu,
        "softsign": F.softsign,
    }
    return table[name]


def _activations(torch: Any, rng: np.random.Generator, out: dict[str, Any]) -> None:
    z = np.concatenate([np.linspace(-30.0, 30.0, 61), rng.normal(scale=4.0, size=200)])
    out["act/z"] = z
    for i, (name, params) in enumerate(ACTIVATIONS):
        zt = torch.tensor(z, requires_grad=True)
        y = _torch_activation(torch, name, params)(zt)
        y.sum().backward()
        out[f"act/{i}/value"] = y.detach().numpy()
        out[f"act/{i}/derivative"] = zt.grad.numpy()
    out["act/cases"] = json.dumps(ACTIVATIONS)


def _losses(torch: Any, rng: np.random.Generator, out: dict[str, Any]) -> None:
    F = torch.nn.functional
    z = rng.normal(scale=5.0, size=(6, 4))
    labels = rng.integers(0, 4, size=6)
    t = rng.uniform(size=(6, 4))
    out.update({"loss/z": z, "loss/labels": labels, "loss/t": t})
    for name, fn, target in [
        ("softmax_cross_entropy", F.cross_entropy, labels),
        ("binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, t),
        ("mean_squared_error", F.mse_loss, t),
    ]:
        zt = torch.tensor(z, requires_grad=True)
        loss = fn(zt, torch.tensor(target))
        loss.backward()
        out[f"loss/{name}/value"] = np.float64(loss.item())
        out[f"loss/{name}/grad"] = zt.grad.numpy()


def _mlp_layout(cfg: dict[str, Any]) -> list[tuple[str, str, int, int]]:
    """The layers of ``vanishing.MLP(**cfg)`` as ``(kind, key prefix, n_in, n_out)``.

    Written out from the documented architecture (not read from the library): a hidden
    layer is ``Dense -> [BatchNorm] -> activation`` (no bias before BatchNorm); a residual
    network is a linear stem, pre-activation blocks ``x + s Dense(act(BN(x)))`` keyed
    ``"<i>.block.<j>."``, then ``[BatchNorm] -> activation`` and the output layer.
    """
    sizes, bn = cfg["sizes"], cfg["batch_norm"]
    layers: list[tuple[str, str, int, int]] = []

    def top(kind: str, n_in: int, n_out: int) -> None:  # a layer of the outer Sequential
        layers.append((kind, f"{len({p.split('.')[0] for _, p, _, _ in layers})}.", n_in, n_out))

    if not cfg["residual"]:
        for n_in, n_out in zip(sizes[:-2], sizes[1:-1], strict=True):
            top("dense_nobias" if bn else "dense", n_in, n_out)
            if bn:
                top("bn", n_out, n_out)
            top("act", n_out, n_out)
    else:
        top("dense", sizes[0], sizes[1])
        for n in sizes[2:-1]:
            assert n == sizes[1], "only equal widths here: every block is a Residual"
            top("residual_begin", n, n)
            block = layers[-1][1] + "block."
            inner = ("bn", "act", "dense") if bn else ("act", "dense")
            layers += [(kind, f"{block}{j}.", n, n) for j, kind in enumerate(inner)]
            layers.append(("residual_end", layers[-1][1], n, n))
        if bn:
            top("bn", sizes[-2], sizes[-2])
        top("act", sizes[-2], sizes[-2])
    top("dense", sizes[-2], sizes[-1])
    return layers


def _mlps(torch: Any, rng: np.random.Generator, out: dict[str, Any]) -> None:
    F = torch.nn.functional
    for c, cfg in enumerate(MLPS):
        act = _torch_activation(torch, cfg["activation"], {})
        scale = cfg.get("residual_scale", 1.0)
        layout = _mlp_layout(cfg)
        params: dict[str, np.ndarray] = {}
        for kind, prefix, n_in, n_out in layout:
            if kind.startswith("dense"):
                params[prefix + "W"] = rng.normal(size=(n_in, n_out)) / np.sqrt(n_in)
                if kind == "dense":
                    params[prefix + "b"] = rng.normal(scale=0.1, size=n_out)
            elif kind == "bn":
                params[prefix + "gamma"] = 1.0 + rng.normal(scale=0.1, size=n_out)
                params[prefix + "beta"] = rng.normal(scale=0.1, size=n_out)
        x = rng.normal(size=(10, cfg["sizes"][0]))
        labels = rng.integers(0, cfg["sizes"][-1], size=10)
        tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
        h = xt = torch.tensor(x, requires_grad=True)
        skips = []
        for kind, prefix, n_in, _ in layout:
            if kind.startswith("dense"):
                h = h @ tp[prefix + "W"] + (tp[prefix + "b"] if kind == "dense" else 0.0)
            elif kind == "bn":
                h = F.batch_norm(
                    h,
                    torch.zeros(n_in, dtype=torch.float64),
                    torch.ones(n_in, dtype=torch.float64),
                    tp[prefix + "gamma"],
                    tp[prefix + "beta"],
                    training=True,
                    eps=1e-5,
                )
            elif kind == "act":
                h = act(h)
            elif kind == "residual_begin":
                skips.append(h)
            elif kind == "residual_end":
                h = skips.pop() + scale * h
        loss = F.cross_entropy(h, torch.tensor(labels))
        loss.backward()
        out[f"mlp/{c}/x"], out[f"mlp/{c}/labels"] = x, labels
        out[f"mlp/{c}/logits"] = h.detach().numpy()
        out[f"mlp/{c}/loss"] = np.float64(loss.item())
        out[f"mlp/{c}/dx"] = xt.grad.numpy()
        for k, v in params.items():
            out[f"mlp/{c}/param/{k}"] = v
            out[f"mlp/{c}/grad/{k}"] = tp[k].grad.numpy()
    out["mlp/cases"] = json.dumps(MLPS)


def _batch_norm(torch: Any, rng: np.random.Generator, out: dict[str, Any]) -> None:
    bn = torch.nn.BatchNorm1d(4, dtype=torch.float64)
    gamma, beta = 1.0 + rng.normal(scale=0.3, size=4), rng.normal(size=4)
    with torch.no_grad():
        bn.weight.copy_(torch.from_numpy(gamma))
        bn.bias.copy_(torch.from_numpy(beta))
    out["bn/gamma"], out["bn/beta"] = gamma, beta
    for b in range(3):
        x = rng.normal(size=(7, 4)) * 3 - 1
        xt = torch.tensor(x, requires_grad=True)
        y = bn(xt)
        out[f"bn/x/{b}"], out[f"bn/y/{b}"] = x, y.detach().numpy()
    # backward through the last training batch (batch statistics included)
    dy = rng.normal(size=(7, 4))
    (y * torch.from_numpy(dy)).sum().backward()
    out["bn/dy"], out["bn/dx"] = dy, xt.grad.numpy()
    out["bn/dgamma"], out["bn/dbeta"] = bn.weight.grad.numpy(), bn.bias.grad.numpy()
    out["bn/running_mean"] = bn.running_mean.numpy().copy()
    out["bn/running_var"] = bn.running_var.numpy().copy()
    bn.eval()
    x = rng.normal(size=(5, 4))
    out["bn/x_eval"], out["bn/y_eval"] = x, bn(torch.from_numpy(x)).detach().numpy()


def _clipping(torch: Any, rng: np.random.Generator, out: dict[str, Any]) -> None:
    grads = {"W": rng.normal(size=(5, 4)) * 3, "b": rng.normal(size=4)}
    for k, g in grads.items():
        out[f"clip/grad/{k}"] = g
    for max_norm in (2.0, 100.0):  # one clips, one leaves the gradients alone
        ts = [torch.zeros(g.shape, dtype=torch.float64) for g in grads.values()]
        for t, g in zip(ts, grads.values(), strict=True):
            t.grad = torch.tensor(g)
        total = torch.nn.utils.clip_grad_norm_(ts, max_norm=max_norm)
        out[f"clip/norm/{max_norm:g}/total"] = np.float64(total)
        for t, k in zip(ts, grads, strict=True):
            out[f"clip/norm/{max_norm:g}/{k}"] = t.grad.numpy()
    ts = [torch.zeros(g.shape, dtype=torch.float64) for g in grads.values()]
    for t, g in zip(ts, grads.values(), strict=True):
        t.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_value_(ts, clip_value=0.5)
    for t, k in zip(ts, grads, strict=True):
        out[f"clip/value/0.5/{k}"] = t.grad.numpy()


def _rnns(torch: Any, rng: np.random.Generator, out: dict[str, Any]) -> None:
    T, n, n_in, H = 15, 4, 3, 5
    for c, cfg in enumerate(RNNS):
        f = _torch_activation(torch, cfg["activation"], {})
        params = {
            "W_xh": rng.normal(size=(n_in, H)) / np.sqrt(n_in),
            "W_hh": rng.normal(size=(H, H)) * cfg["gain"] / np.sqrt(H),
            "b_h": rng.normal(scale=0.1, size=H),
        }
        if cfg["n_out"] is not None:
            params["W_hy"] = rng.normal(size=(H, cfg["n_out"])) / np.sqrt(H)
            params["b_y"] = rng.normal(scale=0.1, size=cfg["n_out"])
        x, h0 = rng.normal(size=(T, n, n_in)), rng.normal(size=(n, H))
        dout = rng.normal(size=(T, n, cfg["n_out"] or H))
        tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
        xt, h0t = torch.tensor(x, requires_grad=True), torch.tensor(h0, requires_grad=True)
        h, hs, ys = h0t, [], []
        for t in range(T):
            h = f(xt[t] @ tp["W_xh"] + h @ tp["W_hh"] + tp["b_h"])
            h.retain_grad()
            hs.append(h)
            ys.append(h @ tp["W_hy"] + tp["b_y"] if cfg["n_out"] is not None else h)
        y = torch.stack(ys)
        (y * torch.from_numpy(dout)).sum().backward()
        out[f"rnn/{c}/x"], out[f"rnn/{c}/h0"], out[f"rnn/{c}/dout"] = x, h0, dout
        out[f"rnn/{c}/y"] = y.detach().numpy()
        out[f"rnn/{c}/dx"], out[f"rnn/{c}/dh0"] = xt.grad.numpy(), h0t.grad.numpy()
        out[f"rnn/{c}/dh"] = np.stack([h.grad.numpy() for h in hs])
        for k, v in params.items():
            out[f"rnn/{c}/param/{k}"] = v
            out[f"rnn/{c}/grad/{k}"] = tp[k].grad.numpy()
    out["rnn/cases"] = json.dumps(RNNS)


def _optimizers(torch: Any, rng: np.random.Generator, out: dict[str, Any]) -> None:
    # a random convex quadratic per parameter: f(p) = 0.5 p^T A p - c^T p
    shapes = {"W": (4, 3), "b": (3,)}
    quad = {}
    for k, shape in shapes.items():
        size = int(np.prod(shape))
        m = rng.normal(size=(size, size))
        quad[k] = (m @ m.T / size + 0.1 * np.eye(size), rng.normal(size=size))
        out[f"optim/A/{k}"], out[f"optim/c/{k}"] = quad[k]
    start = {k: rng.normal(size=s) for k, s in shapes.items()}
    for k, p in start.items():
        out[f"optim/start/{k}"] = p
    for c, (name, kwargs) in enumerate(OPTIMIZERS):
        tparams = {k: torch.tensor(p.copy(), requires_grad=True) for k, p in start.items()}
        opt_kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
        opt = getattr(torch.optim, TORCH_OPTIM[name])(
            list(tparams.values()), foreach=False, **opt_kwargs
        )
        snapshots: dict[str, list[np.ndarray]] = {k: [] for k in shapes}
        for step in range(1, OPTIM_STEPS + 1):
            for k, tp in tparams.items():
                a, cvec = quad[k]
                tp.grad = torch.from_numpy(
                    (a @ tp.detach().numpy().ravel() - cvec).reshape(tp.shape)
                )
            opt.step()
            if step in OPTIM_SNAPSHOTS:
                for k, tp in tparams.items():
                    snapshots[k].append(tp.detach().numpy().copy())
        for k, snaps in snapshots.items():
            out[f"optim/{c}/{k}"] = np.stack(snaps)
    out["optim/cases"] = json.dumps(OPTIMIZERS)
    out["optim/snapshots"] = np.array(OPTIM_SNAPSHOTS)


def generate() -> dict[str, Any]:
    """Every reference array, keyed ``"<topic>/..."``; float64 throughout."""
    import torch

    torch.set_default_dtype(torch.float64)
    out: dict[str, Any] = {"torch_version": torch.__version__}
    # one generator per topic, so adding a case to one topic leaves the others unchanged
    for seed, part in enumerate(
        [_activations, _losses, _mlps, _batch_norm, _clipping, _rnns, _optimizers]
    ):
        part(torch, np.random.default_rng(seed), out)
    return {k: np.asarray(v) for k, v in out.items()}


def compare(new: dict[str, np.ndarray], path: Path) -> list[str]:
    """Differences between freshly generated references and the committed file."""
    with np.load(path) as old:
        keys = set(old.files)
        problems = [f"{k}: missing in {path.name}" for k in sorted(set(new) - keys)]
        problems += [f"{k}: no longer generated" for k in sorted(keys - set(new))]
        for k in sorted(keys & set(new)):
            a, b = old[k], new[k]
            if k == "torch_version" or a.dtype.kind in "US":
                if k != "torch_version" and a != b:
                    problems.append(f"{k}: differs")
            elif a.shape != b.shape or not np.allclose(a, b, rtol=1e-10, atol=1e-12):
                problems.append(f"{k}: differs (max |diff| {np.max(np.abs(a - b)):.3g})")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    new = generate()
    if args.check:
        problems = compare(new, OUT)
        for p in problems:
            print(p)
        print(f"{len(new)} arrays, {len(problems)} differ from {OUT.name}")
        return 1 if problems else 0
    np.savez_compressed(OUT, **new)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB, {len(new)} arrays)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
