"""Record the goldens of this corpus by running every case under real TensorFlow.

    /tmp/tfvenv/bin/python tests/tf_corpus/record.py [--case SUBSTRING]

Writes golden/<case>.json next to this file in the format of the conformance corpus, with
its corpus_lib.py (the project's copy, tests/conformance/corpus_lib.py).
A case that declares EXPECT_ERROR must raise that type; any other case must return
normally. Exits non-zero if a case misbehaves. Never imported by gradc or its tests.
"""
import argparse
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
GOLDEN = os.path.join(HERE, "golden")
CONFORMANCE = os.path.join(os.path.dirname(HERE), "conformance")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", default=None, help="only cases whose name contains this")
    opts = ap.parse_args(argv)
    sys.path.insert(0, CONFORMANCE)
    import corpus_lib
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    problems, written = [], 0
    for fn in sorted(os.listdir(CASES)):
        if not fn.endswith(".py") or fn.startswith("_"):
            continue
        case = fn[:-3]
        if opts.case and opts.case not in case:
            continue
        res = corpus_lib.run_case("tf_corpus", case, os.path.join(CASES, fn))
        err, exp = res["error"], res["expect_error"]
        if res.get("import_failed"):
            problems.append(f"{case}: import failed: {err['message']}")
            continue
        if exp and (err is None or exp not in err["mro"]):
            got = err and (err["type"], err["message"][:300])
            problems.append(f"{case}: expected {exp}, got {got}")
            continue
        if not exp and err is not None:
            problems.append(f"{case}: raised {err['type']}: {err['message'][:300]}")
            continue
        names = corpus_lib.printed_tensor_names(res["stdout"]) if res["prints"] else None
        if res["prints"] and not names:
            problems.append(f"{case}: PRINTS case printed no tensor names")
            continue
        golden = {
            "case": case, "split": "tf_corpus", "tf_version": tf.__version__,
            "expect_error": exp, "prints": res["prints"], "output": res["output"],
            "error": None if err is None else {"type": err["type"],
                                               "message": err["message"].replace(HERE + os.sep, "")},
            "stdout": res["stdout"] if res["prints"] else None, "printed_names": names,
        }
        os.makedirs(GOLDEN, exist_ok=True)
        with open(os.path.join(GOLDEN, case + ".json"), "w") as fh:
            json.dump(golden, fh, indent=1, sort_keys=True, allow_nan=False)
            fh.write("\n")
        written += 1
    for p in problems:
        print("PROBLEM", p)
    print(f"{written} golden files written, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
