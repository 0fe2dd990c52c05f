"""The `gradc.math` namespace (TensorFlow's `tf.math`).

Everything of math_ops except `where` (top level only), plus `log`, `log1p`, `rsqrt`,
`reciprocal` and `logical_xor`, which exist only here (TF_GRADIENTS_SPEC §16).
"""

from __future__ import annotations

from .math_ops import (
    abs,
    add,
    add_n,
    cos,
    divide,
    equal,
    exp,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    pow,
    reciprocal,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
    rsqrt,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    subtract,
    tanh,
)

__all__ = [
    "abs", "add", "add_n", "cos", "divide", "equal", "exp", "greater", "greater_equal", "less",
    "less_equal", "log", "log1p", "logical_and", "logical_not", "logical_or", "logical_xor",
    "maximum", "minimum", "multiply", "negative", "not_equal", "pow", "reciprocal",
    "reduce_logsumexp", "reduce_max", "reduce_mean", "reduce_min", "reduce_prod", "reduce_sum",
    "rsqrt", "sigmoid", "sign", "sin", "sqrt", "square", "subtract", "tanh",
]
