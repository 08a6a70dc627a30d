r"""
The order-to-chaos phase diagram of tanh
========================================

Over a grid of weight and bias variances we compute the fixed point :math:`q^*`, the
gradient growth per layer :math:`\chi_1` and the correlation depth scale :math:`\xi_c`
of a deep tanh network, and check a few points against real networks (Poole et al. 2016,
Fig. 2; Schoenholz et al. 2017, Fig. 1).
"""

# %%
# The mean-field quantities on a grid
# -----------------------------------
# :func:`~vanishing.meanfield.phase_diagram` computes, for every pair
# :math:`(\sigma_w^2, \sigma_b^2)`, the fixed point :math:`q^*`, :math:`\chi_1` and
# :math:`\xi_c`. :func:`~vanishing.meanfield.critical_line` traces the boundary
# :math:`\chi_1 = 1` directly, one point per value of :math:`q^*`.
import matplotlib.pyplot as plt
import numpy as np

from vanishing import meanfield
from vanishing.diagnostics import signal_propagation

sw2 = np.linspace(0.5, 4.0, 51)
sb2 = np.linspace(0.0, 0.5, 31)
diagram = meanfield.phase_diagram(sw2, sb2, "tanh")
crit_sw2, crit_sb2 = meanfield.critical_line(np.geomspace(1e-3, 3.0, 200), "tanh")
keep = crit_sb2 <= sb2[-1]
print(f"grid: {sw2.size} x {sb2.size} points")
print(f"ordered (chi_1 < 1): {np.mean(diagram.chi1 < 1):.0%} of the grid")

# %%
# Measured in real networks
# -------------------------
# On the boundary, a real 30-layer network of width 256 initialized at that point
# (:class:`~vanishing.meanfield.GaussianInit` draws weights and biases) keeps its gradient;
# a point on each side loses it or blows it up.
points = {"ordered": (1.0, 0.2), "edge": None, "chaotic": (3.5, 0.2)}
edge_w, edge_b = meanfield.critical_line(0.4, "tanh")
points["edge"] = (float(edge_w), float(edge_b))
for name, (w, b) in points.items():
    init = meanfield.GaussianInit(w, b)
    run = signal_propagation(30, 256, "tanh", init, n_samples=128, rng=0, bias=True)
    print(
        f"{name:8s} sw2 = {w:.2f}, sb2 = {b:.3f}: chi_1 = "
        f"{float(meanfield.chi1(w, b, 'tanh')):.3f}, delta first / last layer "
        f"{run.backward_ratio:.3g} (mean field {float(meanfield.chi1(w, b, 'tanh')) ** 14.5:.3g})"
    )

fig, (ax_q, ax_xi) = plt.subplots(1, 2, figsize=(9.0, 3.8), layout="constrained")
m1 = ax_q.pcolormesh(diagram.sw2, diagram.sb2, diagram.q_star, cmap="magma", shading="auto")
fig.colorbar(m1, ax=ax_q, label=r"fixed point $q^*$")
m2 = ax_xi.pcolormesh(
    diagram.sw2,
    diagram.sb2,
    np.log10(np.minimum(diagram.xi_c, 1e3)),
    cmap="viridis",
    shading="auto",
)
fig.colorbar(m2, ax=ax_xi, label=r"depth scale $\log_{10} \xi_c$")
for ax in (ax_q, ax_xi):
    ax.plot(crit_sw2[keep], crit_sb2[keep], "w-", lw=2)
    for w, b in points.values():
        ax.plot(w, b, "o", color="white", markeredgecolor="black")
    ax.set_xlabel(r"weight variance $\sigma_w^2$")
    ax.set_ylabel(r"bias variance $\sigma_b^2$")
fig.suptitle("Phase diagram of tanh: fixed point and depth scale")
plt.show()

# %%
# What it showed
# --------------
# The white line :math:`\chi_1 = 1` separates order (left) from chaos (right). The
# depth scale :math:`\xi_c` is largest along it: there, information about the input
# survives the most layers. Real networks follow the mean-field numbers: their gradients
# shrink, keep their size or grow as :math:`\chi_1^{L/2}` predicts. See
# :ref:`theory-signal-propagation`.
