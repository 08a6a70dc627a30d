r"""
How deep a network trains: the depth scale at the edge of chaos
===============================================================

We train tanh networks of 6 to 30 layers on the handwritten digits, for weight variances
:math:`\sigma_w^2` from 1 to 8, and colour each (depth, :math:`\sigma_w^2`) by the accuracy
reached after a short training. Deep networks learn only near the edge of chaos, inside the
depth :math:`6\xi_c` that mean-field theory predicts (:cite:t:`schoenholz2017`, Fig. 5).
"""

# %%
# The depth scale from mean-field theory
# --------------------------------------
# A network with weights :math:`W_{ij} \sim \mathcal N(0, \sigma_w^2/n)` and biases
# :math:`b_i \sim \mathcal N(0, \sigma_b^2)` forgets how its input differed from another
# input over about :math:`\xi_c` layers. :math:`\xi_c` diverges at the edge of chaos,
# :math:`\chi_1 = 1`, and is short in both the ordered phase (:math:`\chi_1 < 1`, small
# :math:`\sigma_w^2`) and the chaotic phase (:math:`\chi_1 > 1`, large :math:`\sigma_w^2`).
# :func:`~vanishing.meanfield.phase_diagram` computes :math:`\chi_1` and :math:`\xi_c` for
# every pair of variances; here the bias variance is fixed at :math:`\sigma_b^2 = 0.05`.
import matplotlib.pyplot as plt
import numpy as np

from vanishing.datasets import load_digits
from vanishing.losses import softmax_cross_entropy
from vanishing.meanfield import GaussianInit, critical_line, phase_diagram
from vanishing.network import MLP
from vanishing.optimizers import SGD
from vanishing.training import accuracy

sb2 = 0.05
sw2_grid = np.geomspace(1.0, 8.0, 7)
depths = np.arange(6, 31, 6)
theory = phase_diagram(sw2_grid, [sb2], "tanh")
chi1, xi_c = theory.chi1[0], theory.xi_c[0]
print("sigma_w^2 ", np.round(sw2_grid, 2))
print("chi_1     ", np.round(chi1, 3))
print("6 xi_c    ", np.round(6 * xi_c, 1))

# %%
# The networks and the training
# -----------------------------
# Each network has ``depth`` tanh layers of width 48 between the 64 pixels and the 10
# logits. :class:`~vanishing.meanfield.GaussianInit` draws the weights and the biases from
# the Gaussians the theory assumes, at any point :math:`(\sigma_w^2, \sigma_b^2)`. Every
# network gets the same short training: 80 steps of SGD with momentum 0.9 and learning
# rate 0.005 on batches of 32 out of the first 512 digits. We then measure its accuracy on
# those 512 images (chance is 0.1).
X, y = load_digits()
X, y = X[:512], y[:512]
steps, batch_size = 80, 32


def accuracy_after_training(sw2, depth, seed=0):
    net = MLP([64] + [48] * depth + [10], "tanh", init=GaussianInit(sw2, sb2), rng=seed)
    optimizer = SGD(lr=0.005, momentum=0.9)
    state = optimizer.init(net.params)
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        batch = rng.choice(len(X), batch_size, replace=False)
        logits, cache = net.forward(X[batch])
        _, dlogits = softmax_cross_entropy(logits, y[batch])
        state = optimizer.step(net.params, net.backward(cache, dlogits).grads, state)
    return accuracy(net, X, y)


acc = np.array([[accuracy_after_training(sw2, depth) for sw2 in sw2_grid] for depth in depths])
print("accuracy after training (rows: depth, columns: sigma_w^2 as above)")
for depth, row in zip(depths, acc, strict=True):
    print(f"  L = {depth:2d}  ", np.round(row, 2))


# %%
# The figure
# ----------
# The accuracy as a heat map over the weight variance :math:`\sigma_w^2` (horizontal,
# logarithmic) and the depth :math:`L` (vertical). The white line is :math:`L = 6\xi_c`,
# the dotted one the edge of chaos, where :math:`\chi_1 = 1`
# (:func:`~vanishing.meanfield.critical_line` gives the critical :math:`\sigma_w^2` for each
# :math:`\sigma_b^2`). The dashed line has the same shape, :math:`L = k\,\xi_c`, with
# :math:`k` the largest :math:`L/\xi_c` of a network that learned (accuracy above 0.5).
def cell_edges(centres, log=False):
    c = np.log(centres) if log else centres
    step = c[1] - c[0]
    edges = np.append(c - step / 2, c[-1] + step / 2)
    return np.exp(edges) if log else edges


learned = acc > 0.5
depth_in_xi = depths[:, None] / xi_c[None, :]
k = depth_in_xi[learned].max()
fine = np.geomspace(*cell_edges(sw2_grid, log=True)[[0, -1]], 301)
xi_fine = phase_diagram(fine, [sb2], "tanh").xi_c[0]
critical_sw2, critical_sb2 = critical_line(np.geomspace(1e-4, 10.0, 400), "tanh")
sw2_edge = float(np.interp(sb2, critical_sb2, critical_sw2))


fig, ax = plt.subplots(figsize=(6.4, 4.4), layout="constrained")
mesh = ax.pcolormesh(cell_edges(sw2_grid, log=True), cell_edges(depths), acc, vmin=0.1, vmax=1)
ax.plot(fine, 6 * xi_fine, color="white", linewidth=2, label=r"$L = 6\,\xi_c$")
ax.plot(fine, k * xi_fine, "--", color="white", linewidth=1.5, label=rf"$L = {k:.1f}\,\xi_c$")
ax.axvline(sw2_edge, color="white", linestyle=":", linewidth=1.5, label=r"$\chi_1 = 1$")
legend = fig.legend(loc="outside upper center", ncols=3, fontsize=9, facecolor="0.3")
for text in legend.get_texts():
    text.set_color("white")
ax.set_xscale("log")
ax.set_xticks(sw2_grid, [f"{v:.2g}" for v in sw2_grid])
ax.minorticks_off()
ax.set_yticks(depths)
ax.set_ylim(cell_edges(depths)[[0, -1]])
ax.set_xlabel(r"weight variance $\sigma_w^2$")
ax.set_ylabel(r"depth $L$ (hidden layers)")
fig.colorbar(mesh, ax=ax, label=f"training accuracy after {steps} steps")
fig.suptitle("Training accuracy against depth and weight variance")
plt.show()

# %%
# The numbers behind the picture: for every depth, the weight variances at which the
# network learned; then the deepest network that learned, in units of :math:`\xi_c`, and
# how many networks deeper than :math:`6\xi_c` learned.
print(f"edge of chaos at sigma_b^2 = {sb2}: sigma_w^2 = {sw2_edge:.3f}")
for depth, row in zip(depths, learned, strict=True):
    band = sw2_grid[row]
    print(f"L = {depth:2d}: learned for sigma_w^2 from {band.min():.2f} to {band.max():.2f}")
beyond = depth_in_xi > 6
print(f"deepest network that learned: L = {k:.1f} xi_c")
print(f"networks deeper than 6 xi_c that learned: {learned[beyond].sum()} of {beyond.sum()}")

# %%
# What the figure shows
# ---------------------
# Shallow networks learn at every :math:`\sigma_w^2`. The deeper the network, the narrower
# the band of weight variances that works, and the band sits around the edge of chaos. To
# its left (ordered phase) every input is mapped to almost the same output and the
# gradients vanish; to its right (chaotic phase) nearby inputs are scrambled and the
# gradients explode. The edge of what learned follows a line :math:`L = k\,\xi_c`: what
# limits the depth is the depth scale :math:`\xi_c` of the initialization.
#
# The training here is short, so the networks learned only up to the printed
# :math:`k\,\xi_c`, not up to :math:`6\xi_c`: a network several :math:`\xi_c` deep needs
# more steps than it got. :cite:t:`schoenholz2017`, who trained much longer and much deeper
# networks, found the boundary of what trains at about :math:`6\xi_c`.
#
# Related theory: :ref:`theory-signal-propagation`.

# sphinx_gallery_thumbnail_number = 1
