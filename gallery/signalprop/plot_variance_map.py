r"""
The variance and correlation maps
=================================

A wide random layer maps the variance :math:`q` of its input's pre-activations to a new
variance, and the correlation :math:`c` of two inputs to a new correlation. We draw both
maps for tanh and follow their iteration layer by layer, as in Poole et al. (2016).
"""

# %%
# The variance map
# ----------------
# With weights :math:`\mathcal N(0, \sigma_w^2/n)` and biases :math:`\mathcal N(0,
# \sigma_b^2)`, :func:`~vanishing.meanfield.variance_map` computes
# :math:`q' = \sigma_w^2\,\mathbb E[\tanh(\sqrt q z)^2] + \sigma_b^2`. Where the curve
# crosses the diagonal :math:`q' = q` is the fixed point :math:`q^*`. The staircase (a
# cobweb plot) is the iteration: from :math:`q`, go up to the curve, across to the
# diagonal, and repeat. Two starting points, one large and one small, reach the same
# :math:`q^*`.
import matplotlib.pyplot as plt
import numpy as np

from vanishing import meanfield

sw2, sb2 = 2.0, 0.1
q = np.linspace(0.0, 4.0, 200)
q_map = meanfield.variance_map(q, sw2, sb2, "tanh")
q_star = float(meanfield.fixed_point(sw2, sb2, "tanh"))


def cobweb(q0, steps=6):
    """The points of the staircase from q0."""
    xs, ys = [q0], [0.0]
    for _ in range(steps):
        q1 = float(meanfield.variance_map(q0, sw2, sb2, "tanh"))
        xs += [q0, q1]
        ys += [q1, q1]
        q0 = q1
    return xs, ys


fig, (ax_q, ax_c) = plt.subplots(1, 2, figsize=(9.0, 4.0), layout="constrained")
ax_q.plot(q, q_map, "k-", lw=2)
ax_q.plot(q, q, color="grey", lw=0.8)
for q0, colour in ((3.8, "tab:red"), (0.05, "tab:blue")):
    ax_q.plot(*cobweb(q0), color=colour, lw=1)
ax_q.plot([q_star], [q_star], "o", color="black")
ax_q.set_xlabel(r"variance $q^{(\ell - 1)}$")
ax_q.set_ylabel(r"next variance $q^{(\ell)}$")
ax_q.set_title(rf"$\sigma_w^2 = {sw2}$, $\sigma_b^2 = {sb2}$")
print(
    f"q* = {q_star:.4f}, slope of the map there "
    f"{float(meanfield.variance_map_slope(q_star, sw2, 'tanh')):.3f}"
)
# sphinx_gallery_defer_figures

# %%
# The correlation map
# -------------------
# For two inputs at the fixed point, :func:`~vanishing.meanfield.correlation_map` gives
# the next layer's correlation :math:`c'` as a function of :math:`c`. It always passes
# through :math:`(1, 1)`; its slope there is :math:`\chi_1`. For small weights the curve
# lies above the diagonal and every pair of inputs is pulled to :math:`c = 1` (order); for
# large weights it crosses the diagonal at some :math:`c^* < 1` (chaos); at the edge of
# chaos it touches the diagonal at :math:`c = 1`.
c = np.linspace(-1.0, 1.0, 81)
edge_sw2, edge_sb2 = meanfield.critical_line(0.5, "tanh")
labels = {
    "ordered": r"ordered, $\chi_1 < 1$",
    "edge": r"edge of chaos, $\chi_1 = 1$",
    "chaotic": r"chaotic, $\chi_1 > 1$",
}
settings = {
    "ordered": (1.0, 0.1),
    "edge": (float(edge_sw2), float(edge_sb2)),
    "chaotic": (4.0, 0.1),
}
for name, (w, b) in settings.items():
    curve = meanfield.correlation_map(c, w, b, "tanh")
    c_star, _ = meanfield.correlation_fixed_point(w, b, "tanh")
    ax_c.plot(c, curve, lw=2, label=labels[name])
    print(
        f"{name:8s} sw2 = {w:.3f}, sb2 = {b:.3f}: chi_1 = "
        f"{float(meanfield.chi1(w, b, 'tanh')):.3f}, c* = {float(c_star):.3f}"
    )
ax_c.plot(c, c, color="grey", lw=0.8)
ax_c.set_xlabel(r"correlation $c^{(\ell - 1)}$")
ax_c.set_ylabel(r"next correlation $c^{(\ell)}$")
ax_c.legend()
fig.suptitle("Variance map and correlation map of tanh")
plt.show()

# %%
# What it showed
# --------------
# The variance settles at the same :math:`q^*` wherever it starts, within a few layers.
# Whether the network keeps inputs apart depends on the correlation map's slope at
# :math:`c = 1`, :math:`\chi_1`, which is also the gradient's growth per layer. The theory
# page :ref:`theory-signal-propagation` derives both maps.
