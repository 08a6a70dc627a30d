r"""
Sigmoid saturation and the scale of the weights
===============================================

One wide sigmoid layer, three ways to draw its weights. With :math:`N(0, 1)` weights the
pre-activations are huge, the outputs are stuck at 0 or 1, and the derivative
:math:`\sigma'(z)` is almost 0 for most units. Smaller weights, or Xavier's scale, keep
the units in the range where they can learn.
"""

# %%
# One layer, three initializations
# --------------------------------
# The layer has 500 inputs and 500 units. The inputs are drawn from :math:`N(0, 1)`. The
# pre-activation of a unit is a sum of 500 terms :math:`x_i w_i`, so its standard
# deviation is about :math:`\sqrt{500}` times the standard deviation of the weights. We
# compare weights with standard deviation 1, weights with standard deviation 0.1, and
# Xavier's normal initialization, whose standard deviation is
# :math:`\sqrt{2 / (n_\text{in} + n_\text{out})}`.
from functools import partial

import matplotlib.pyplot as plt
import numpy as np

from vanishing.activations import sigmoid, sigmoid_derivative
from vanishing.diagnostics import signal_propagation
from vanishing.initializers import normal
from vanishing.layers import Dense
from vanishing.meanfield import chi1

n_in, n_out, n_samples = 500, 500, 200
rng = np.random.default_rng(0)
x = rng.standard_normal((n_samples, n_in))

inits = {
    "N(0, 1)": partial(normal, std=1.0),
    "N(0, 0.1^2)": partial(normal, std=0.1),
    "Xavier": "xavier_normal",
}
titles = {
    "N(0, 1)": r"$w \sim N(0, 1)$",
    "N(0, 0.1^2)": r"$w \sim N(0, 0.1^2)$",
    "Xavier": "Xavier",
}
results = {}
for label, init in inits.items():
    layer = Dense(n_in, n_out, init=init, rng=rng)
    z = layer(x)
    results[label] = (z, sigmoid(z), sigmoid_derivative(z))

for label, (z, _, da) in results.items():
    saturated = np.mean(da < 0.01)
    print(
        f"{label:12s} std(z) {z.std():6.2f}   mean sigma'(z) {da.mean():.4f}   "
        f"share with sigma'(z) < 0.01: {saturated:.3f}"
    )

# %%
# The printed standard deviations of :math:`z` are close to :math:`\sqrt{500}` times the
# standard deviation of the weights. For :math:`N(0, 1)` weights most units have
# :math:`\sigma'(z) < 0.01`: look at the printed share. For Xavier the standard deviation
# of :math:`z` is close to 1, and almost no unit is saturated. Its mean
# :math:`\sigma'(z)` is close to :math:`E[\sigma'(z)]` for :math:`z \sim N(0, 1)`.
#
# Histograms
# ----------
# Each column is one initialization. The top row shows the pre-activations :math:`z`,
# on the same axis for all three, the middle row the outputs :math:`\sigma(z)`, and the bottom row
# the derivatives
# :math:`\sigma'(z)`. The bottom row shares its axis: the derivative lies in
# :math:`(0, 1/4]`, and the best value, :math:`1/4`, is reached at :math:`z = 0`.
fig, axes = plt.subplots(3, 3, figsize=(9.5, 7.0), layout="constrained")
for col, (label, (z, a, da)) in enumerate(results.items()):
    axes[0, col].hist(z.ravel(), bins=np.linspace(-80.0, 80.0, 161), color="tab:gray")
    axes[0, col].set_title(titles[label])
    axes[0, col].set_xlabel("pre-activation $z$")
    axes[1, col].hist(a.ravel(), bins=np.linspace(0.0, 1.0, 51), color="tab:blue")
    axes[1, col].set_xlabel(r"output $\sigma(z)$")
    axes[2, col].hist(da.ravel(), bins=np.linspace(0.0, 0.25, 51), color="tab:red")
    axes[2, col].set_xlabel(r"derivative $\sigma'(z)$")
    axes[2, col].set_xticks([0.0, 0.125, 0.25], ["$0$", "$1/8$", "$1/4$"])
    for row in range(3):
        axes[row, col].set_yticks([])
fig.suptitle("A sigmoid layer's pre-activations, outputs and derivatives for three initializations")
plt.show()

# %%
# With :math:`N(0, 1)` weights the outputs pile up at 0 and 1 and most derivatives are
# close to 0. Every gradient that flows back through such a unit is multiplied by that
# tiny derivative, so the weights feeding it change slowly: the unit learns slowly.
# With standard deviation 0.1 most units work in the useful range, and Xavier's scale
# puts the pre-activations right around 0, where :math:`\sigma'` is largest.
#
# A saturated layer is not a vanishing network
# --------------------------------------------
# One might conclude that in a deep network of such layers the gradient vanishes. It does
# not: on the way back the delta is multiplied by the large weights too, and in a wide
# layer they win. We measure 30 sigmoid layers of width 256 with the same
# :math:`N(0, 1)` weights, and compare with the network-level factor per layer
# :math:`\chi_1 = n \operatorname{Var}[W]\, E[\sigma'(z)^2]` at the variance the
# pre-activations settle at (:func:`vanishing.meanfield.chi1`).
deep = signal_propagation(30, 256, "sigmoid", partial(normal, std=1.0), n_samples=256, rng=0)
print(f"30 layers, N(0, 1) weights: first / last delta {deep.backward_ratio:.3g}")
print(f"chi_1 = {float(chi1(256.0, 0.0, 'sigmoid')):.3f} per layer (above 1: exploding)")

# %%
# The first layer's delta is larger than the last layer's: the gradients *explode*,
# although the units are saturated. Saturation makes each unit slow to learn; whether the
# gradients of the network vanish or explode depends on the product of the weights and
# the derivatives, layer after layer.
#
# The weight scale that works depends on the number of inputs. This is why good
# initializations, such as Xavier's, divide by the layer width. Note that Xavier's normal
# standard deviation is :math:`\sqrt{2 / (n_\text{in} + n_\text{out})}`; some lecture
# notes write :math:`\sqrt{3 / (n_\text{in} + n_\text{out})}`, which mixes in the factor 3
# of the uniform version.
#
# Related theory
# --------------
# :doc:`/theory/03-activations` explains saturation and the derivative of the sigmoid.
# The initialization page, :doc:`/theory/07-initialization`, explains how to choose the
# scale of the weights.
