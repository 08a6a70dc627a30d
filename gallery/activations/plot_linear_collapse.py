r"""
Without a nonlinearity, depth adds nothing
==========================================

A stack of linear layers computes one linear map, however deep it is. This example checks
that numerically with the library's layers, reproduces the lecture-note example
:math:`\phi(z) = 10z`, and trains a deep linear network and a ReLU network on the same
spirals. Only the ReLU network can bend its decision boundary.
"""

# %%
# Three linear layers are one matrix
# ----------------------------------
# Take three :class:`~vanishing.layers.Dense` layers with random weights and biases and
# no activation between them. Their composition is
#
# .. math::
#
#     \bigl((x W_1 + b_1) W_2 + b_2\bigr) W_3 + b_3
#     = x\,(W_1 W_2 W_3) + \bigl((b_1 W_2 + b_2) W_3 + b_3\bigr),
#
# one matrix and one bias. We build that single layer and compare the outputs.
import matplotlib.pyplot as plt
import numpy as np

from vanishing.activations import Activation
from vanishing.datasets import spirals
from vanishing.layers import ActivationLayer, Dense
from vanishing.losses import softmax_cross_entropy
from vanishing.network import MLP, Sequential
from vanishing.optimizers import Adam

rng = np.random.default_rng(0)
layers = [Dense(2, 4, rng=rng), Dense(4, 4, rng=rng), Dense(4, 3, rng=rng)]
for layer in layers:
    layer.params["b"][...] = rng.standard_normal(layer.n_out)
deep = Sequential(layers)

W1, W2, W3 = (layer.params["W"] for layer in layers)
b1, b2, b3 = (layer.params["b"] for layer in layers)
single = Dense(2, 3)
single.params["W"][...] = W1 @ W2 @ W3
single.params["b"][...] = (b1 @ W2 + b2) @ W3 + b3

x = rng.standard_normal((5, 2))
print(f"max |deep(x) - single(x)| = {np.abs(deep(x) - single(x)).max():.1e}")

# %%
# The printed difference is rounding error: the two networks are the same function.
#
# The example :math:`\phi(z) = 10z`
# ---------------------------------
# Some lecture notes use a linear "activation" :math:`\phi(z) = 10z` and pass
# :math:`wx` through it three times:
# :math:`y = \phi(\phi(\phi(wx))) = 10 \cdot 10 \cdot 10 \cdot wx = 1000\,wx`.
# Three layers behave like one layer with the activation :math:`1000z`. We wrap
# :math:`\phi` in an :class:`~vanishing.activations.Activation` and let the library run it.
ten = Activation(
    "ten_z",
    forward=lambda z: 10.0 * np.asarray(z, dtype=float),
    derivative=lambda z: np.full_like(np.asarray(z, dtype=float), 10.0),
)
first = Dense(1, 1, init="zeros", bias=False)
first.params["W"][...] = 0.7  # w
net = Sequential([first, ActivationLayer(ten), ActivationLayer(ten), ActivationLayer(ten)])

x = np.array([[1.0], [2.0], [3.0]])
y, cache = net.forward(x)
print("y / (w x) =", (y / (0.7 * x)).ravel())

dy_dw = net.backward(cache, np.ones_like(y)).grads["0.W"].item()
print(f"dy/dw summed over the inputs = {dy_dw:.1f};  1000 * sum(x) = {1000 * x.sum():.1f}")

# %%
# Every output is exactly 1000 times :math:`wx`. The gradient is also that of the single
# linear model :math:`y = 1000\,wx`: backpropagation gives :math:`\partial y/\partial w =
# 1000\,x` for each input, and the library sums it over the three inputs. Stacking linear layers
# gives linear regression, no
# matter how many there are.
#
# A deep linear network against a ReLU network
# --------------------------------------------
# Both networks below have three hidden layers of 32 units. One uses the identity as
# its activation, the other uses ReLU. Both are trained with Adam for 300 full-batch
# steps on three interleaved spirals, with the softmax cross-entropy loss.
X, labels = spirals(450, rng=0)


def train(activation, steps=300):
    model = MLP([2, 32, 32, 32, 3], activation, rng=0)
    optimizer = Adam(lr=0.02)
    state = optimizer.init(model.params)
    for _ in range(steps):
        logits, cache = model.forward(X)
        loss, dlogits = softmax_cross_entropy(logits, labels)
        state = optimizer.step(model.params, model.backward(cache, dlogits).grads, state)
    return model, loss


models = {}
for activation in ["identity", "relu"]:
    model, loss = train(activation)
    accuracy = np.mean(model(X).argmax(axis=1) == labels)
    models[activation] = model
    print(f"{activation:8s}  final loss {loss:.3f}   training accuracy {accuracy:.3f}")

# %%
# The printed accuracies tell the story. The linear network is stuck near the accuracy
# of a straight-line classifier, while the ReLU network fits almost every point. The
# figure shows why: the linear network can only split the plane with straight lines.
xx, yy = np.meshgrid(np.linspace(-1.2, 1.2, 200), np.linspace(-1.2, 1.2, 200))
grid = np.column_stack([xx.ravel(), yy.ravel()])

fig, axes = plt.subplots(1, 2, figsize=(8.0, 4.0), sharey=True, layout="constrained")
titles = {"identity": r"identity, $\phi(z) = z$", "relu": "ReLU"}
colors = ["tab:red", "tab:blue", "tab:green"]
for ax, (activation, model) in zip(axes, models.items(), strict=True):
    regions = model(grid).argmax(axis=1).reshape(xx.shape)
    ax.contourf(xx, yy, regions, levels=[-0.5, 0.5, 1.5, 2.5], colors=colors, alpha=0.25)
    ax.scatter(X[:, 0], X[:, 1], c=[colors[k] for k in labels], s=8)
    ax.set_title(titles[activation])
    ax.set_xlabel("input $x_1$")
    ax.set_aspect("equal")
axes[0].set_ylabel("input $x_2$")
fig.suptitle("What a linear and a ReLU network can learn on the spirals")
plt.show()

# %%
# The trained linear network is still one linear map. We collapse its four Dense layers
# into a single matrix and bias, as in the first section, and compare.
dense = [layer for layer in models["identity"].layers if isinstance(layer, Dense)]
W = np.linalg.multi_dot([layer.params["W"] for layer in dense])
b = dense[0].params["b"]
for layer in dense[1:]:
    b = b @ layer.params["W"] + layer.params["b"]
print(
    f"max |network(x) - (x W + b)| = {np.abs(models['identity'](grid) - (grid @ W + b)).max():.1e}"
)
print("shape of the collapsed W:", W.shape)

# %%
# Training did not change this: 32 units in three hidden layers, and the network is still
# a single :math:`2 \times 3` matrix plus a bias.
#
# Related theory
# --------------
# :doc:`/theory/02-nonlinearity` explains why a hidden layer needs a nonlinear activation
# and which conditions an activation should meet.
