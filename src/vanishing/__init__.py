"""vanishing: see, test and fix vanishing and exploding gradients with NumPy.

The submodules, each importable as ``vanishing.<name>``:

================  =================================================================
activations       activation functions and their derivatives, :func:`get_activation`
initializers      weight initializers (Xavier, He, LeCun, orthogonal...)
layers            Dense, ActivationLayer, BatchNorm, Residual with explicit backward
network           Sequential and the :func:`MLP` constructor
losses            losses returning ``(value, gradient)``
optimizers        SGD, AdaGrad, RMSProp, Adam, AdamW (``torch.optim`` semantics)
clipping          gradient clipping by global norm or by value
gradcheck         finite-difference gradient checking
datasets          toy data sets and the UCI digits
rnn               a vanilla RNN with backpropagation through time
diagnostics       gradient and activation statistics, signal propagation
meanfield         mean-field signal propagation: chi_1, phase diagram, edge of chaos
training          the :func:`train` loop and its :class:`History`
================  =================================================================

The most used names are re-exported here:

>>> import numpy as np
>>> import vanishing as vn
>>> net = vn.MLP([2, 8, 2], "relu", rng=0)
>>> X = np.random.default_rng(0).standard_normal((64, 2))
>>> history = vn.train(net, X, (X[:, 0] > 0).astype(int), optimizer=vn.Adam(lr=0.05),
...                    epochs=20, rng=0)
>>> bool(history.epoch_accuracy[-1] > 0.9)
True
"""

from vanishing import (
    activations,
    clipping,
    datasets,
    diagnostics,
    gradcheck,
    initializers,
    layers,
    losses,
    meanfield,
    network,
    optimizers,
    rnn,
    training,
)
from vanishing.activations import get_activation
from vanishing.clipping import clip_by_global_norm, clip_by_value, global_norm
from vanishing.gradcheck import check_gradient, check_param_gradients, numerical_gradient
from vanishing.initializers import calculate_gain, get_initializer
from vanishing.layers import ActivationLayer, BatchNorm, Dense, Residual
from vanishing.losses import get_loss
from vanishing.network import MLP, Sequential
from vanishing.optimizers import SGD, AdaGrad, Adam, AdamW, RMSProp, get_optimizer
from vanishing.rnn import VanillaRNN
from vanishing.training import History, NonFiniteError, accuracy, evaluate, train

# the one place the version is written: pyproject.toml reads it from here
__version__ = "0.1.0"

__all__ = [
    "MLP",
    "SGD",
    "ActivationLayer",
    "AdaGrad",
    "Adam",
    "AdamW",
    "BatchNorm",
    "Dense",
    "History",
    "NonFiniteError",
    "RMSProp",
    "Residual",
    "Sequential",
    "VanillaRNN",
    "__version__",
    "accuracy",
    "activations",
    "calculate_gain",
    "check_gradient",
    "check_param_gradients",
    "clip_by_global_norm",
    "clip_by_value",
    "clipping",
    "datasets",
    "diagnostics",
    "evaluate",
    "get_activation",
    "get_initializer",
    "get_loss",
    "get_optimizer",
    "global_norm",
    "gradcheck",
    "initializers",
    "layers",
    "losses",
    "meanfield",
    "network",
    "numerical_gradient",
    "optimizers",
    "rnn",
    "train",
    "training",
]
