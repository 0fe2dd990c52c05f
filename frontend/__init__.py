"""gradc: TensorFlow-style gradient code compiled to native code.

`import gradc as tf` gives the surface of ../shared/SURFACE.md: `function`, `gradients`,
`hessians`, the op functions (top level and `math`, `nn`, `linalg`), dtypes and `TensorSpec`.
"""

from gradc.compiler.ir.types import DType

from .api import linalg, math, nn  # noqa: F401  (namespaces tf.math, tf.nn, tf.linalg)
from .api.array_ops import *  # noqa: F403
from .api.control_flow import cond  # noqa: F401
from .api.math_ops import *  # noqa: F403
from .api.nn_ops import *  # noqa: F403
from .api.printing import print  # noqa: A004,F401  (tf.print: prints when the compiled code runs)
from .tensor import EagerTensor, Result, Tensor, TensorShape  # noqa: F401

float32 = DType.float32
float64 = DType.float64
int32 = DType.int32
int64 = DType.int64
bool = DType.bool  # noqa: A001  (tf.bool)
dtypes = DType
newaxis = None  # tf.newaxis

__version__ = "0.1.0"

# The compilation pipeline is imported with gradc rather than on the first call, as TensorFlow
# and JAX do: `import gradc` costs ~0.1 s more, and the first compiled call is not charged for it.
from . import staging as _staging  # noqa: E402,F401
from .compiler import passes as _passes  # noqa: E402,F401
from .compiler.lowering import llvm as _llvm  # noqa: E402,F401
from .function import GradcFunction, TensorSpec, function  # noqa: E402,F401
from .gradients_api import AggregationMethod, UnconnectedGradients, gradients, hessians  # noqa: E402,F401
from .runtime import jit as _jit  # noqa: E402,F401
from .runtime.aot_load import AotLoadError, load  # noqa: E402,F401  (AOT shared libraries, ctypes only)
