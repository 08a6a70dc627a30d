r"""
Gradients through time in a recurrent network
=============================================

A recurrent network multiplies the back-propagated gradient by the same matrix
:math:`W_{hh}` at every time step. We plot the gradient that reaches each step of a
50-step sequence, for a linear and a tanh network and four scales of :math:`W_{hh}`.
"""

# %%
# The networks
# ------------
# :class:`~vanishing.rnn.VanillaRNN` computes :math:`h_t = f(x_t W_{xh} + h_{t-1} W_{hh}
# + b_h)`. The recurrent matrix is a random orthogonal matrix times a scale :math:`s`
# (``recurrent_gain``). An orthogonal matrix has all singular values equal to 1, so every
# singular value of :math:`W_{hh}`, the largest one :math:`\sigma_{\max}(W_{hh})`
# included, is exactly :math:`s`. Here :math:`s` is also the spectral radius.
#
# The loss reads only the last state, :math:`L = \langle h_T, u \rangle` for a random unit
# vector :math:`u`. :func:`~vanishing.rnn.gradient_through_time` runs backpropagation
# through time and returns :math:`\|\partial L/\partial h_t\|` for :math:`t = 0, \dots, T`,
# averaged over the sequences of the batch. At :math:`t = T` it is 1.
import matplotlib.pyplot as plt
import numpy as np

from vanishing.rnn import VanillaRNN, gradient_through_time

T, n_in, n_hidden = 50, 8, 32
x = np.random.default_rng(0).standard_normal((T, 16, n_in))
scales = [0.5, 1.0, 1.05, 1.5]
activations = {"linear": "identity", "tanh": "tanh"}
labels = {"linear": "linear", "tanh": "tanh"}  # printed names

norms = {}
for name, activation in activations.items():
    for s in scales:
        rnn = VanillaRNN(n_in, n_hidden, activation=activation, recurrent_gain=s, rng=1)
        norms[name, s] = gradient_through_time(rnn, x)
        print(f"{labels[name]:6s} s = {s:4.2f}   |dL/dh_0| = {norms[name, s][0]:.4g}")
print(f"1.05 ** {T} = {1.05**T:.4f}")

# %%
# The figure
# ----------
# Left: the linear network, :math:`f(z) = z`. Right: the tanh network. The horizontal axis
# is the time step :math:`t`; the loss sits at :math:`t = T = 50`, so the gradient flows
# from right to left. The dashed line is :math:`1.05^{T-t}`. The vertical axis is
# logarithmic.
t = np.arange(T + 1)
fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.8), sharey=True, layout="constrained")
for ax, name in zip(axes, activations, strict=True):
    for s in scales:
        ax.semilogy(t, norms[name, s], label=rf"$\sigma_{{\max}}(W_{{hh}}) = {s}$")
    ax.semilogy(t, 1.05 ** (T - t), "k--", linewidth=1, label=r"$1.05^{T-t}$")
    ax.set_title("tanh RNN" if name == "tanh" else r"linear RNN, $f(z) = z$")
    ax.set_xlabel(r"time step $t$")
    ax.set_ylim(1e-16, 1e10)
    ax.grid(True, which="major", alpha=0.3)
axes[0].set_ylabel(r"gradient norm $\|\partial L / \partial h_t\|$")
axes[1].legend(fontsize=9, loc="lower right")
fig.suptitle("Gradient norm through time in a recurrent network")
plt.show()

# %%
# What the figure shows
# ---------------------
# In the linear network, :math:`\partial h_T/\partial h_t = (W_{hh}^\top)^{T-t}` and every
# direction is scaled by exactly :math:`s^{T-t}`. With :math:`s = 0.5` the gradient vanishes,
# with :math:`s = 1` it keeps its size, and with :math:`s = 1.05` it grows along the dashed
# line: after 50 steps it is :math:`1.05^{50}` times larger, the printed value. A factor
# only 5% above 1 per step is enough to grow by an order of magnitude. With
# :math:`s = 1.5` the gradient explodes.
#
# The tanh network is different. Its Jacobian is
# :math:`\operatorname{diag}(\tanh'(z_t))\,W_{hh}^\top`, and :math:`\tanh' \le 1`, so
# Pascanu, Mikolov and Bengio's condition says: :math:`\sigma_{\max}(W_{hh}) < 1` is
# sufficient for vanishing, and :math:`\sigma_{\max}(W_{hh}) > 1` is necessary, but not
# sufficient, for exploding. Here even :math:`s = 1.5` does not explode. The large weights
# drive the units into saturation, where :math:`\tanh'` is small, and the product of the
# two factors stays below 1 on average.
#
# Related theory: :doc:`/theory/06-exploding`.
