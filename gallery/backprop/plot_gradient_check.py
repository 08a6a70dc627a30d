r"""
Gradient check: backpropagation against finite differences
==========================================================

For every activation of the library we build a small network and compare the gradient of
each layer's weights from backpropagation with the one from central finite differences.
The relative errors are all tiny. A deliberately wrong derivative shows what a bug looks
like: a large error in every layer below it.
"""

# %%
# The check
# ---------
# :func:`~vanishing.gradcheck.check_param_gradients` perturbs every parameter by
# :math:`\pm h` (here :math:`h = 10^{-6}`), evaluates the loss twice, and returns the
# central difference :math:`(L(\theta + h) - L(\theta - h)) / 2h` for each entry. We
# compare it with the back-propagated gradient layer by layer. For a layer with weight
# gradient :math:`g_\text{bp}` from backpropagation and :math:`g_\text{fd}` from finite
# differences, we use the relative error of the whole matrix,
#
# .. math::
#
#     r = \frac{\lVert g_\text{bp} - g_\text{fd} \rVert}
#              {\lVert g_\text{bp} \rVert + \lVert g_\text{fd} \rVert}.
#
# It does not blow up when a single entry happens to be almost 0. (The library's
# ``max_relative_error`` is the largest relative error over the entries instead, which
# is stricter for entries near 0.)
import matplotlib.pyplot as plt
import numpy as np

from vanishing.activations import Activation, get_activation, tanh
from vanishing.gradcheck import check_param_gradients
from vanishing.losses import softmax_cross_entropy
from vanishing.network import MLP

rng = np.random.default_rng(0)
x = rng.standard_normal((8, 5))
labels = rng.integers(0, 3, size=8)
sizes = [5, 6, 6, 6, 3]


def layer_errors(net):
    """Relative error of dL/dW for each Dense layer, input side first."""

    def loss_fn():
        return softmax_cross_entropy(net.forward(x)[0], labels)[0]

    logits, cache = net.forward(x)
    _, dlogits = softmax_cross_entropy(logits, labels)
    grads = net.backward(cache, dlogits).grads
    results = check_param_gradients(loss_fn, net.params, grads)
    errors = []
    for i in net.dense_indices:
        g_bp, g_fd = grads[f"{i}.W"], results[f"{i}.W"].numeric
        errors.append(np.linalg.norm(g_bp - g_fd) / (np.linalg.norm(g_bp) + np.linalg.norm(g_fd)))
    return np.array(errors)


names = {
    name: get_activation(name).label
    for name in ("sigmoid", "tanh", "softsign", "softplus", "relu")
    + ("leaky_relu", "elu", "selu", "gelu", "silu")
}
errors = {name: layer_errors(MLP(sizes, name, rng=1)) for name in names}
for name, err in errors.items():
    print(f"{name:11s}", "  ".join(f"{e:.1e}" for e in err))
print(
    f"largest relative error over all activations and layers: "
    f"{max(e.max() for e in errors.values()):.1e}"
)

# %%
# Each printed row is one activation, with one relative error per layer. All of them are
# far below :math:`10^{-6}`, the usual threshold for a passing check in float64. The
# largest one belongs to the first layer of the sigmoid network. Its weight gradient is
# much smaller than those of the other layers: with the sigmoid, gradients shrink on
# their way back to the input. The same rounding noise of the finite differences is
# therefore a larger *relative* error there.
#
# A deliberately wrong derivative
# -------------------------------
# Now we make a typical mistake: the derivative of tanh written as
# :math:`1 - \tanh z` instead of :math:`1 - \tanh^2 z`. An
# :class:`~vanishing.activations.Activation` takes any function and derivative, so the
# library's network runs the wrong backward pass without complaint.
wrong_tanh = Activation("tanh", forward=tanh, derivative=lambda z: 1.0 - tanh(z))
wrong = layer_errors(MLP(sizes, wrong_tanh, rng=1))
print("wrong tanh'", "  ".join(f"{e:.1e}" for e in wrong))
print(f"below the last layer: between {wrong[:-1].min():.2f} and {wrong[:-1].max():.2f}")

# %%
# The last layer still passes: its weight gradient
# :math:`a^{(3)\top} \delta^{(4)}` does not involve the activation's derivative. Every
# layer below it fails with a large error, because the wrong factor enters every
# :math:`\delta^{(l)}` on the way back. A check per layer points at where the bug is.
#
# The figure
# ----------
# Relative error against the layer index :math:`\ell` (1 is the input side), on a log
# scale. The grey line is the threshold :math:`10^{-6}`.
titles = {"sigmoid": "sigmoid"}  # the labels that are words (the rest: the library's)
layers = np.arange(1, len(sizes))
markers = "osD^v<>ph*"
fig, ax = plt.subplots(figsize=(8.0, 4.2), layout="constrained")
for (name, label), marker in zip(names.items(), markers[: len(names)], strict=True):
    ax.semilogy(layers, errors[name], marker=marker, linewidth=0.8, label=titles.get(name, label))
ax.semilogy(
    layers,
    wrong,
    "k-",
    marker="X",
    markersize=9,
    linewidth=2,
    label=r"tanh, wrong $\phi' = 1 - \tanh z$",
)
ax.axhline(1e-6, color="0.5", linewidth=1.2)
ax.set_xticks(layers)
ax.set_xlabel(r"layer $\ell$")
relative_error = (
    r"$\|g_\mathrm{bp} - g_\mathrm{fd}\| \,/\, (\|g_\mathrm{bp}\| + \|g_\mathrm{fd}\|)$"
)
ax.set_ylabel(f"relative error {relative_error}")
ax.set_ylim(1e-12, 10.0)
ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
fig.suptitle("Gradient check per layer: backpropagation against finite differences")
plt.show()

# %%
# Correct derivatives sit many orders of magnitude below the threshold; the wrong one
# sits between the two values printed above, a sizeable fraction of the largest possible
# value 1 of this error measure, in every layer except the last. Run such a check
# whenever you write a new layer or activation: it takes a fraction of a second on a
# small network, and it uses float64, because the rounding error of float32 would swamp
# the difference quotient.
#
# Related theory
# --------------
# :doc:`/theory/04-backprop` explains the matrix form of backpropagation and why the
# central difference is accurate to :math:`O(h^2)`.
