"""Record each example's outputs under real TensorFlow into expected/<name>.npz.

Needs TensorFlow (not a gradc dependency): `python examples/tf/record_tf.py` in an environment
with tensorflow-cpu 2.21. tests/test_tf_examples.py runs the same files under gradc.
"""
import importlib.util
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
HERE = Path(__file__).resolve().parent
EXAMPLES = ["linear_regression", "mlp_classifier", "newton_energy", "rnn_bptt"]


def run(name: str) -> dict:
    spec = importlib.util.spec_from_file_location(f"tf_example_{name}", HERE / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.main()


if __name__ == "__main__":
    import tensorflow as tf

    (HERE / "expected").mkdir(exist_ok=True)
    for name in sys.argv[1:] or EXAMPLES:
        out = run(name)
        np.savez(HERE / "expected" / f"{name}.npz", **out)
        print(name, {k: np.asarray(v).shape for k, v in out.items()}, "TF", tf.__version__)
