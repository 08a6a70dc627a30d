r"""
Adam's first step hides a vanishing gradient
============================================

Adam divides each gradient entry by a running estimate of its own size. On the first step
this gives a step of about the learning rate, whether the gradient is :math:`10^{-6}` or
:math:`10^{2}`. In a deep sigmoid network whose gradients vanish, SGD barely moves the
first layers while Adam moves every layer by the same amount.
"""

# %%
# One parameter, many gradient scales
# -----------------------------------
# We take one step from :math:`\theta = 0` with gradient :math:`g`, for :math:`|g|` from
# :math:`10^{-12}` to :math:`10^{2}`, using the library's :class:`~vanishing.optimizers.SGD`
# and :class:`~vanishing.optimizers.Adam` (both with learning rate :math:`10^{-3}`, Adam's
# default). Adam's first step is
#
# .. math::
#
#     \theta_1 - \theta_0 = -\eta\, \frac{\hat m_1}{\sqrt{\hat v_1} + \varepsilon}
#     = -\eta\, \frac{g}{|g| + \varepsilon},
#
# because the bias corrections make :math:`\hat m_1 = g` and :math:`\hat v_1 = g^2`.
import matplotlib.pyplot as plt
import numpy as np

from vanishing.datasets import load_digits
from vanishing.diagnostics import update_to_data_ratio, weight_gradient_norms
from vanishing.losses import softmax_cross_entropy
from vanishing.network import MLP
from vanishing.optimizers import SGD, Adam

lr = 1e-3
sgd, adam = SGD(lr=lr), Adam(lr=lr)


def first_step(opt, g):
    params = {"theta": np.zeros(1)}
    new_params, _ = opt.update({"theta": np.array([g])}, opt.init(params), params)
    return abs(float(new_params["theta"][0]))


scales = np.logspace(-12, 2, 57)
sgd_steps = np.array([first_step(sgd, g) for g in scales])
adam_steps = np.array([first_step(adam, g) for g in scales])
print(f"Adam's first step for |g| = 1e-6: {first_step(adam, 1e-6):.8f}")
print(f"SGD's first step for |g| = 1e-6:  {first_step(sgd, 1e-6):.1e}")

fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
ax.loglog(scales, sgd_steps, label="SGD")
ax.loglog(scales, adam_steps, label="Adam")
ax.axvline(adam.eps, color="0.6", ls=":", label=r"$\varepsilon$")
ax.axhline(lr, color="0.6", ls="--", label=r"$\eta$")
ax.set_xlabel(r"gradient $|g|$")
ax.set_ylabel(r"first step $|\theta_1 - \theta_0|$")
ax.legend()
ax.grid(True, alpha=0.3)
fig.suptitle("The first step of SGD and Adam against the size of the gradient")
plt.show()

# %%
# Only gradients smaller than :math:`\varepsilon = 10^{-8}` get a smaller step. Above it,
# Adam's step does not tell you how large the gradient was.
#
# A deep sigmoid network
# ----------------------
# Ten hidden sigmoid layers of width 64 with Xavier weights, on a batch of 256 digits. The
# deltas shrink by a factor of about 4 or more per layer, so the weight gradients of the
# first layers are orders of magnitude smaller than those of the last layers. We take one
# step with each optimizer from the same starting weights and compare, layer by layer, the
# size of the update with the size of the weights:
# :math:`\operatorname{std}(\Delta W^{(\ell)}) / \operatorname{std}(W^{(\ell)})`, computed
# by :func:`~vanishing.diagnostics.update_to_data_ratio`.
X, y = load_digits()
X, y = X[:256], y[:256]
net = MLP([64] + [64] * 10 + [10], "sigmoid", init="xavier_normal", rng=0)
logits, cache = net.forward(X)
_, dlogits = softmax_cross_entropy(logits, y)
grads = net.backward(cache, dlogits).grads
grad_norms = np.array(list(weight_gradient_norms(net, grads).values()))

ratios = {}
for name, opt in [("SGD", SGD(lr=0.1)), ("Adam", Adam(lr=lr))]:
    new_params, _ = opt.update(grads, opt.init(net.params), net.params)
    ratio = update_to_data_ratio(net.params, new_params=new_params, log10=False)
    ratios[name] = np.array(list(ratio.values()))

first = f"{net.dense_indices[0]}.W"
rms_first = float(np.sqrt(np.mean(grads[first] ** 2)))
print(f"RMS of the first layer's weight-gradient entries: {rms_first:.1e} (eps = {adam.eps:g})")
print(f"weight-gradient norm, first / last layer: {grad_norms[0] / grad_norms[-1]:.1e}")
for name, r in ratios.items():
    print(f"{name:4s} update-to-weight ratio, first / last layer: {r[0] / r[-1]:.2e}")

# %%
# Left: the weight-gradient norm :math:`\|\partial L/\partial W^{(\ell)}\|` of every layer
# (layer 11 is the output layer). Right: the update-to-weight ratio of one step. SGD
# (learning rate 0.1) copies the vanishing profile of the gradient. Adam's ratio is almost
# flat: every layer moves by about the same relative amount. Only the first layer moves a
# little less, because its gradient entries are already close to :math:`\varepsilon`
# (printed above).
layers = np.arange(1, len(grad_norms) + 1)
fig, (ax_g, ax_u) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
ax_g.semilogy(layers, grad_norms, "o-", color="k")
ax_g.set_xlabel(r"layer $\ell$")
ax_g.set_ylabel(r"gradient norm $\|\partial L / \partial W^{(\ell)}\|$")
for name, r in ratios.items():
    ax_u.semilogy(layers, r, "o-", label=name)
ax_u.axhline(1e-3, color="0.6", ls=":")
ax_u.set_xlabel(r"layer $\ell$")
ax_u.set_ylabel(r"update ratio $\mathrm{std}(\Delta W^{(\ell)}) \,/\, \mathrm{std}(W^{(\ell)})$")
ax_u.legend()
for ax in (ax_g, ax_u):
    ax.grid(True, alpha=0.3)
fig.suptitle("Gradient norm and update ratio per layer, SGD against Adam")
plt.show()

# %%
# What this means in practice
# ---------------------------
# * With Adam, "the first layers do not move" is no longer the symptom of a vanishing
#   gradient: they move at the same rate as every other layer. Look at the gradients
#   (or deltas) themselves, not only at the updates. The dotted line marks a common rule
#   of thumb for a healthy update, a ratio of about :math:`10^{-3}` :cite:p:`karpathy2022`.
# * Adam partly compensates a vanishing gradient, because small gradients get normal-sized
#   steps. It does not cure it: the direction of a tiny gradient is dominated by noise,
#   and gradients below :math:`\varepsilon` are still damped. Fix the cause (activation,
#   initialization, normalization, residual connections) rather than rely on Adam.
#
# Related theory: :doc:`/theory/09-optimizers`.

# sphinx_gallery_thumbnail_number = 2
