r"""
Optimizers on an ill-conditioned surface
========================================

Six optimizers start from the same point on a long, narrow valley. Plain SGD zig-zags
across the valley and crawls along it; momentum and Nesterov build up speed along the
valley; AdaGrad, RMSProp and Adam rescale each coordinate and head more directly for the
minimum.
"""

# %%
# The surface
# -----------
# A quadratic :math:`f(\theta) = \tfrac12 (h_1 \theta_1^2 + h_2 \theta_2^2)` with
# :math:`h_1 = 1` and :math:`h_2 = 25`. Its gradient is :math:`(h_1 \theta_1, h_2
# \theta_2)`, and its condition number is :math:`h_2 / h_1 = 25`: the surface is 25 times
# steeper across the valley than along it. Gradient descent with learning rate
# :math:`\eta` is stable only if :math:`\eta < 2/h_2`, and then each step shrinks
# :math:`\theta_1` only by the factor :math:`1 - \eta h_1`.
import matplotlib.pyplot as plt
import numpy as np

from vanishing.optimizers import SGD, AdaGrad, Adam, RMSProp

h = np.array([1.0, 25.0])
start = np.array([-4.0, 1.0])
n_steps = 60


def f(theta):
    return 0.5 * np.sum(h * theta**2, axis=-1)


def grad_f(theta):
    return h * theta


print("largest stable SGD learning rate 2/h2 =", 2 / h[1])

# %%
# The optimizers
# --------------
# The optimizers of :mod:`vanishing.optimizers` work on a dict of parameter arrays, here a
# single array ``"theta"``. Each gets a learning rate that suits it (there is no common
# scale: Adam's steps have size about :math:`\eta` whatever the gradient, SGD's steps are
# :math:`\eta` times the gradient).
optimizers = {
    "SGD": SGD(lr=0.07),
    "momentum": SGD(lr=0.02, momentum=0.8),
    "Nesterov": SGD(lr=0.02, momentum=0.8, nesterov=True),
    "AdaGrad": AdaGrad(lr=1.0),
    "RMSProp": RMSProp(lr=0.1),
    "Adam": Adam(lr=0.3),
}


def trajectory(opt):
    params = {"theta": start.copy()}
    state = opt.init(params)
    path = [start.copy()]
    for _ in range(n_steps):
        state = opt.step(params, {"theta": grad_f(params["theta"])}, state)
        path.append(params["theta"].copy())
    return np.array(path)


labels = {"momentum": r"SGD, $\mu = 0.8$", "Nesterov": r"Nesterov, $\mu = 0.8$"}
paths = {name: trajectory(opt) for name, opt in optimizers.items()}
print(f"{'':10s} {'lr':>5s}   f(theta_t) at t = 10, 30, 60")
for name, opt in optimizers.items():
    values = f(paths[name])
    print(f"{name:10s} {opt.lr:5.2f}   {values[10]:.1e}  {values[30]:.1e}  {values[60]:.1e}")

# %%
# Trajectories
# ------------
# Each panel shows the contour lines of :math:`f`, the start (square) and the minimum
# (star), and the first 60 iterates.
t1, t2 = np.meshgrid(np.linspace(-4.5, 1.5, 200), np.linspace(-1.6, 1.6, 200))
surface = f(np.stack([t1, t2], axis=-1))
levels = np.geomspace(0.01, 40, 12)
fig, axes = plt.subplots(2, 3, figsize=(10, 5.5), sharex=True, sharey=True, layout="constrained")
for ax, (name, path) in zip(axes.flat, paths.items(), strict=True):
    ax.contour(t1, t2, surface, levels=levels, colors="0.75", linewidths=0.7)
    ax.plot(path[:, 0], path[:, 1], ".-", color="C3", lw=1, ms=3)
    ax.plot(*start, "s", color="k", ms=5)
    ax.plot(0, 0, "*", color="k", ms=10)
    ax.set_title(labels.get(name, name))
for ax in axes[1]:
    ax.set_xlabel(r"$\theta_1$")
for ax in axes[:, 0]:
    ax.set_ylabel(r"$\theta_2$")
fig.suptitle("Six optimizers on an ill-conditioned valley")
plt.show()

# %%
# Loss against steps
# ------------------
# The same runs, with :math:`f(\theta_t)` on a log scale against the step :math:`t`.
fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
for name, path in paths.items():
    ax.semilogy(f(path), label=labels.get(name, name))
ax.set_xlabel(r"step $t$")
ax.set_ylabel(r"loss $f(\theta_t)$")
ax.legend(fontsize=8)
ax.grid(True, alpha=0.3)
fig.suptitle("Loss against steps on the ill-conditioned valley")
plt.show()

# %%
# What to take away
# -----------------
# * SGD's learning rate is limited by the steep direction (:math:`\eta < 2/h_2`), so the
#   flat direction is slow. This is what ill-conditioning means.
# * Momentum accumulates the consistent part of the gradient (along the valley) and lets
#   the oscillating part (across it) cancel. Nesterov's look-ahead overshoots less.
# * AdaGrad, RMSProp and Adam divide each coordinate by a running size of its gradient.
#   Here the valley is aligned with the coordinate axes, the best case for them. Rotate
#   it and their advantage shrinks (try it: exercise on the theory page).
# * Adam is not the fastest on this surface. Its steps have size about :math:`\eta`, so
#   near the minimum it keeps oscillating until its averages settle.
#
# Related theory: :doc:`/theory/09-optimizers`.
