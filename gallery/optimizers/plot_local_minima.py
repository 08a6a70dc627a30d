r"""
Local and global minima
=======================

A one-dimensional loss with two valleys: a deep one (the global minimum) and a shallow one
(a local minimum). Gradient descent ends in whichever valley it starts in. Momentum can
carry it over the hill between them, in either direction.
"""

# %%
# The loss
# --------
# :math:`f(w) = 0.05\,w^4 - 0.5\,w^2 + 0.3\,w`, with derivative
# :math:`f'(w) = 0.2\,w^3 - w + 0.3`. It has two minima and one maximum between them; we
# find them as the real roots of :math:`f'`.
import matplotlib.pyplot as plt
import numpy as np

from vanishing.optimizers import SGD


def f(w):
    return 0.05 * w**4 - 0.5 * w**2 + 0.3 * w


def df(w):
    return 0.2 * w**3 - w + 0.3


critical = np.sort(np.roots([0.2, 0.0, -1.0, 0.3]).real)
w_global, w_max, w_local = critical
print(f"global minimum w = {w_global:.3f}, f = {f(w_global):.3f}")
print(f"maximum        w = {w_max:.3f}, f = {f(w_max):.3f}")
print(f"local minimum  w = {w_local:.3f}, f = {f(w_local):.3f}")

# %%
# Gradient descent from several starts
# ------------------------------------
# Plain gradient descent (:class:`~vanishing.optimizers.SGD` without noise, learning rate
# 0.05) and the same with momentum :math:`\mu = 0.9`, 200 steps each.


def descend(opt, w0, n_steps=200):
    params = {"w": np.array([w0])}
    state = opt.init(params)
    path = [w0]
    for _ in range(n_steps):
        state = opt.step(params, {"w": df(params["w"])}, state)
        path.append(float(params["w"][0]))
    return np.array(path)


starts = [-4.0, -1.0, 0.0, 1.0, 3.0, 4.0]
plain = {w0: descend(SGD(lr=0.05), w0) for w0 in starts}
heavy = {w0: descend(SGD(lr=0.05, momentum=0.9), w0) for w0 in starts}


def basin(w):
    return "global" if w < w_max else "local"


for w0 in starts:
    print(
        f"start {w0:5.1f}: gradient descent ends at {plain[w0][-1]:6.3f} ({basin(plain[w0][-1])}),"
        f" with momentum at {heavy[w0][-1]:6.3f} ({basin(heavy[w0][-1])})"
    )

# %%
# The figure
# ----------
# Left: the loss :math:`f(w)` with each start (circle) and where gradient descent ends
# (black cross). Right: the iterates :math:`w_t` against the step :math:`t` for the outer starts,
# without momentum (solid) and with momentum (dashed). The dotted lines mark the two minima.
w = np.linspace(-4.3, 4.3, 400)
fig, (ax_f, ax_t) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
ax_f.plot(w, f(w), color="k")
for i, w0 in enumerate(starts):
    ax_f.plot(w0, f(w0), "o", color=f"C{i}")
    ax_f.plot(plain[w0][-1], f(plain[w0][-1]), "x", color="k", ms=10, mew=2)
ax_f.set_xlabel(r"weight $w$")
ax_f.set_ylabel(r"loss $f(w)$")
for i, w0 in enumerate(starts):
    if w0 in (-4.0, 4.0):
        ax_t.plot(plain[w0][:80], "-", color=f"C{i}", label=rf"$w_0 = {w0:g}$")
        ax_t.plot(heavy[w0][:80], "--", color=f"C{i}", label=rf"$w_0 = {w0:g}$, $\mu = 0.9$")
for w_min in (w_global, w_local):
    ax_t.axhline(w_min, color="0.6", ls=":")
ax_t.set_xlabel(r"step $t$")
ax_t.set_ylabel(r"weight $w_t$")
ax_t.legend(fontsize=10)
for ax in (ax_f, ax_t):
    ax.grid(True, alpha=0.3)
fig.suptitle("Gradient descent with and without momentum on a loss with two minima")
plt.show()

# %%
# What to take away
# -----------------
# * Gradient descent only goes downhill. Where it ends depends on where it starts: this
#   is why the starting point (the initialization) matters for a non-convex loss.
# * Momentum is sometimes described as a way to escape local minima. The printed results
#   show it is not that simple: from :math:`w_0 = 4` it rolls over the hill into the global
#   minimum, but from :math:`w_0 = -4` it rolls out of the global minimum into the local one.
# * The loss of a neural network has millions of dimensions. There, most local minima are
#   about as good as the global one, and flat regions and saddle points slow training more
#   than bad minima do (:cite:t:`goodfellow2016`, chapter 8).
#
# Related theory: :doc:`/theory/09-optimizers`.
