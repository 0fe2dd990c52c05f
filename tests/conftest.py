"""Test-wide settings: every function a test compiles is verified.

GRADC_VERIFY=1 makes gradc check, for each compiled function, that its IR text round-trips
(print(parse(print(f))) == print(f)) and that every native call agrees with the NumPy reference
interpreter.
"""

import os

os.environ["GRADC_VERIFY"] = "1"
