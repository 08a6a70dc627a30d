r"""
Deltas vanish, weight gradients stay flat
=========================================

In a 30-layer ReLU network with Xavier initialization, the back-propagated deltas
:math:`\delta^{(\ell)}` shrink by orders of magnitude towards the input, while the weight
gradients :math:`\partial L/\partial W^{(\ell)}` have the same size in every layer. The
figure shows both, next to the same network with He initialization.
"""

# %%
# One forward and one backward pass
# ---------------------------------
# Each network has 30 Dense layers of width 128 without biases, with a ReLU between
# consecutive layers. The input is a batch of 128 samples :math:`x \sim \mathcal N(0, 1)`,
# and the gradient at the output, :math:`\partial L/\partial y`, is also drawn from
# :math:`\mathcal N(0, 1)`. We keep three norms per layer: the pre-activations
# :math:`z^{(\ell)}` (forward), the deltas :math:`\delta^{(\ell)} = \partial L/\partial
# z^{(\ell)}` (:func:`~vanishing.diagnostics.delta_norms`) and the weight gradients
# (:func:`~vanishing.diagnostics.weight_gradient_norms`).
import matplotlib.pyplot as plt
import numpy as np

from vanishing.diagnostics import delta_norms, weight_gradient_norms
from vanishing.network import MLP

depth, width, n_samples = 30, 128, 128
rng = np.random.default_rng(0)
x = rng.standard_normal((n_samples, width))
dy = rng.standard_normal((n_samples, width))


def layer_norms(init):
    net = MLP([width] * (depth + 1), "relu", init=init, bias=False, rng=1)
    y, cache = net.forward(x)
    back = net.backward(cache, dy)
    forward = np.array([np.linalg.norm(cache.outputs[i]) for i in net.dense_indices])
    deltas = np.array(list(delta_norms(net, back).values()))
    weights = np.array(list(weight_gradient_norms(net, back.grads).values()))
    return forward, deltas, weights


results = {init: layer_norms(init) for init in ("xavier_normal", "he_normal")}
for init, (forward, deltas, weights) in results.items():
    print(f"{init}:")
    print(f"  forward  |z|, last / first layer:       {forward[-1] / forward[0]:.3g}")
    print(f"  deltas   |delta|, first / last layer:   {deltas[0] / deltas[-1]:.3g}")
    print(f"  weights  |dL/dW|, first / last layer:   {weights[0] / weights[-1]:.3g}")
print(f"theory for Xavier, 2**-14.5 = {2**-14.5:.3g}")
he_over_xavier = results["he_normal"][2].mean() / results["xavier_normal"][2].mean()
print(f"weight gradients, He / Xavier: {he_over_xavier:.3g}   (2**14.5 = {2**14.5:.3g})")

# %%
# The figure
# ----------
# Left: Xavier; right: He. Circles are the deltas :math:`\|\delta^{(\ell)}\|`, squares the
# weight gradients :math:`\|\partial L/\partial W^{(\ell)}\|`, and the grey line the
# forward pre-activations :math:`\|z^{(\ell)}\|`. The vertical axis is logarithmic and
# shared by both panels.
layers = np.arange(1, depth + 1)
fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.6), sharey=True, layout="constrained")
for ax, (init, (forward, deltas, weights)) in zip(axes, results.items(), strict=True):
    ax.semilogy(layers, forward, "-", color="0.6", label=r"$\|z^{(\ell)}\|$")
    ax.semilogy(layers, deltas, "o-", color="C0", markersize=4, label=r"$\|\delta^{(\ell)}\|$")
    ax.semilogy(
        layers,
        weights,
        "s-",
        color="C3",
        markersize=4,
        label=r"$\|\partial L / \partial W^{(\ell)}\|$",
    )
    ax.set_title(f"ReLU, {'Xavier' if init == 'xavier_normal' else 'He'}")
    ax.set_xlabel(r"layer $\ell$")
    ax.grid(True, which="major", alpha=0.3)
axes[1].legend(fontsize=9, loc="lower right")
fig.suptitle("Forward norms, deltas and weight gradients per layer in a ReLU network")
plt.show()

# %%
# What the figure shows
# ---------------------
# With Xavier, the forward signal falls towards the output and the deltas fall towards
# the input, both by a factor of about :math:`\sqrt 2` per layer. The printed ratios are
# close to :math:`2^{-14.5}`. The weight gradient of layer :math:`\ell` is
# :math:`a^{(\ell-1)\top}\delta^{(\ell)}`, a product of a forward and a backward quantity.
# The two losses add up to the same total in every layer, so the squares lie on a flat
# line. This is eq. 14 of Glorot and Bengio (2010).
#
# The flat line is low, though. Compare the two panels: the weight gradients with Xavier
# are smaller than with He by the printed factor, close to :math:`2^{14.5}`. With He, all three
# quantities keep their size through all 30 layers.
#
# A plot of "gradient norms per layer" can therefore look healthy while the deltas
# vanish. Always say whether a figure shows deltas or weight gradients.
#
# Related theory: :doc:`/theory/05-vanishing`.
