r"""
Activation functions and their derivatives
==========================================

Every activation of :mod:`vanishing.activations` (solid line) with its derivative (dashed
line). The grey band is the interval :math:`(0, 1/4]`, where the sigmoid's derivative
always lies. Most other derivatives reach 1 or more.
"""

# %%
# Evaluate each activation and its derivative
# -------------------------------------------
# :func:`~vanishing.activations.get_activation` returns the function and its derivative
# under one name. We evaluate both on a grid of pre-activations :math:`z` and print the
# largest value of each derivative.
import matplotlib.pyplot as plt
import numpy as np

from vanishing.activations import get_activation

names = {
    name: get_activation(name).label
    for name in ("sigmoid", "tanh", "softsign", "softplus", "relu")
    + ("leaky_relu", "elu", "selu", "gelu", "silu")
}
# Legend and panel titles that are words (the rest are the library's labels).
titles = {"sigmoid": "sigmoid"}
z = np.linspace(-5.0, 5.0, 2001)
curves = {}
for name in names:
    act = get_activation(name)
    curves[name] = (act(z), act.derivative(z))
    print(f"{name:11s} max derivative on [-5, 5]: {curves[name][1].max():.4f}")

# %%
# The printed maxima match the table on the theory page: :math:`1/4` for the sigmoid, 1
# for tanh, softsign and the ReLU family (softplus comes close to 1 only for large
# :math:`z`), and more than 1 for SELU, GELU and SiLU.
#
# Plot them in a grid
# -------------------
# Each panel shows one activation :math:`\phi` and its derivative :math:`\phi'`. The
# grey band :math:`(0, 1/4]` is drawn in every panel for comparison. In the sigmoid
# panel it is darker: the whole derivative lies inside it.
fig, axes = plt.subplots(2, 5, figsize=(9.0, 5.4), sharex=True, sharey=True, layout="constrained")
for ax, (name, (a, da)) in zip(axes.flat, curves.items(), strict=True):
    ax.axhspan(0.0, 0.25, color="0.75" if name == "sigmoid" else "0.9", zorder=0)
    ax.axhline(0.0, color="0.5", linewidth=0.6)
    ax.axvline(0.0, color="0.5", linewidth=0.6)
    ax.plot(z, a, color="tab:blue", linewidth=1.6, label=r"function $\phi(z)$")
    ax.plot(z, da, color="tab:red", linewidth=1.6, linestyle="--", label=r"derivative $\phi'(z)$")
    ax.set_title(titles.get(name, names[name]))
    ax.set_ylim(-1.5, 2.5)
for ax in axes[1]:
    ax.set_xlabel("pre-activation $z$")
axes[0, 0].legend(loc="upper left", fontsize=9)
axes[0, 0].set_yticks([-1.0, 0.0, 0.25, 1.0, 2.0], ["$-1$", "$0$", "$1/4$", "$1$", "$2$"])
fig.suptitle("Ten activation functions (solid) and their derivatives (dashed)")
plt.show()

# %%
# The sigmoid's derivative stays inside the band: one sigmoid layer multiplies a
# back-propagated gradient by at most :math:`1/4`. tanh and softsign reach 1, but only at
# :math:`z = 0`; away from 0 their derivatives fall towards 0 as well (the functions
# *saturate*). The ReLU family keeps a derivative of 1 for every positive :math:`z`.
# ReLU's derivative is exactly 0 for negative :math:`z`, while Leaky ReLU, ELU, SELU,
# GELU and SiLU keep a small derivative there.
#
# Related theory
# --------------
# :doc:`/theory/03-activations` gives every formula, the derivative ranges computed by
# the library, and the average derivative for :math:`z \sim N(0, 1)`.
