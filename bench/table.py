"""Benchmark results and how they are judged and shown (used by bench/run.py).

The per-engine and per-row result records (and their JSON form), the acceptance targets of
the performance issue with bench/README.md's peer figures as a fallback, the "met?" judgement
(`evaluate_targets`), and the aligned text tables run.py prints. Standard library
only, like the driver: no gradc, NumPy or peer import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

SHORT: dict[str, str] = {
    "w1_dispatch": "W1 dispatch",
    "w2_elementwise": "W2 elementwise",
    "w3_mlp": "W3 mlp",
    "w4_logreg": "W4 logreg",
    "w5_chain": "W5 chain",
    "w6_train_step": "W6 train step",
    "w7_cnn_saliency": "W7 cnn saliency",
    "w8_pinn": "W8 pinn",
    "w9_rnn_bptt": "W9 rnn bptt",
}

# Peer figures from bench/README.md (seconds per call), used only when the peer named by
# a target was not measured in this run.
README_PEER: dict[tuple[str, str], tuple[str, float]] = {
    ("w1_dispatch", "seed"): ("jax", 7.2e-6),
    ("w2_elementwise", "1e6"): ("numpy", 7.92e-3),
    ("w2_elementwise", "1e7"): ("numpy", 188e-3),
    ("w3_mlp", "b256"): ("jax", 3.64e-3),
    ("w4_logreg", "100k"): ("numpy", 3.07e-3),
    ("w5_chain", "n200"): ("jax", 265e-6),
    ("w5_chain", "n1000"): ("tf-xla", 3.32e-3),
}


@dataclass(frozen=True)
class Target:
    """One acceptance target of the performance issue.

    kind: ``abs`` (median <= limit s), ``ratio`` (median / peer median <= limit; peer ``best``
    means the best peer), ``cold`` (cold <= limit s) or ``rss`` (peak RSS <= limit MiB).
    """

    kind: str
    limit: float
    peer: str = ""

    def label(self) -> str:
        """Short text for the table."""
        if self.kind == "abs":
            return f"≤{fmt_time(self.limit)}"
        if self.kind == "ratio":
            return f"≤{self.limit:g}× {self.peer}"
        if self.kind == "cold":
            return f"cold≤{fmt_time(self.limit)}"
        return f"RSS≤{self.limit:g}MB"


TARGETS: dict[tuple[str, str], tuple[Target, ...]] = {
    ("w1_dispatch", "seed"): (Target("abs", 2e-6), Target("cold", 30e-3)),
    ("w2_elementwise", "1e6"): (Target("ratio", 0.4, "numpy"),),
    ("w2_elementwise", "1e7"): (Target("ratio", 0.35, "numpy"), Target("rss", 150.0)),
    ("w3_mlp", "b256"): (Target("ratio", 0.96, "jax"),),
    ("w4_logreg", "100k"): (Target("ratio", 0.5, "numpy"),),
    ("w5_chain", "n200"): (Target("ratio", 0.5, "best"),),
    ("w5_chain", "n1000"): (Target("ratio", 0.3, "best"), Target("cold", 1.0)),
}


@dataclass
class EngineResult:
    """Aggregate of one engine on one (workload, preset) over its fresh processes."""

    engine: str
    status: str = "skipped"  # ok | error | skipped | unsupported (a TF feature gradc lacks yet)
    reason: str = ""
    python: str = ""
    median_s: float | None = None
    cold_s: float | None = None
    rss_mb: float | None = None
    max_rel_err: float | None = None
    procs: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON form (raw per-process results included)."""
        return dict(self.__dict__)


@dataclass
class Row:
    """One (workload, preset): every engine's result, best peer, ratio and targets."""

    workload: str
    preset: str
    engines: dict[str, EngineResult] = field(default_factory=dict)
    best_peer: str | None = None
    ratio: float | None = None
    targets: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "workload": self.workload,
            "preset": self.preset,
            "best_peer": self.best_peer,
            "best_peer_median_s": self.engines[self.best_peer].median_s if self.best_peer else None,
            "ratio": self.ratio,
            "targets": self.targets,
            "engines": {k: v.to_json() for k, v in self.engines.items()},
        }


def fmt_time(s: float | None) -> str:
    """Seconds as a short human figure (ns/µs/ms/s)."""
    if s is None:
        return "—"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.3g} µs"
    if s < 1.0:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s"


def fmt_mb(mb: float | None) -> str:
    """MiB figure."""
    return "—" if mb is None else f"{mb:.0f} MB"


def evaluate_targets(row: Row) -> None:
    """Best peer, ratio, and each target's value/met (README peer figures as fallback, marked)."""
    g = row.engines.get("gradc")
    peers = {k: v for k, v in row.engines.items() if k != "gradc" and v.status == "ok" and v.median_s}
    if peers:
        row.best_peer = min(peers, key=lambda k: peers[k].median_s or float("inf"))
        if g is not None and g.status == "ok" and g.median_s:
            row.ratio = g.median_s / (peers[row.best_peer].median_s or float("nan"))
    for t in TARGETS.get((row.workload, row.preset), ()):
        entry: dict[str, Any] = {
            "label": t.label(),
            "kind": t.kind,
            "limit": t.limit,
            "value": None,
            "met": None,
            "basis": "",
        }
        if g is not None and g.status == "ok":
            if t.kind == "abs":
                entry["value"] = g.median_s
            elif t.kind == "cold":
                entry["value"] = g.cold_s
            elif t.kind == "rss":
                entry["value"] = g.rss_mb
            else:
                readme_peer, readme_fig = README_PEER[(row.workload, row.preset)]
                if t.peer == "best" and row.best_peer is not None and readme_peer in peers:
                    ref, basis = peers[row.best_peer].median_s, f"measured {row.best_peer}"
                elif t.peer == "best" and row.best_peer and (peers[row.best_peer].median_s or 0) < readme_fig:
                    ref, basis = peers[row.best_peer].median_s, f"measured {row.best_peer}"
                elif t.peer in peers:
                    ref, basis = peers[t.peer].median_s, f"measured {t.peer}"
                else:  # the target's peer (or the README's best) was not measured in this run
                    ref, basis = readme_fig, f"README {readme_peer} {fmt_time(readme_fig)}"
                entry["basis"] = basis
                entry["value"] = (g.median_s or 0.0) / ref if ref else None
            if entry["value"] is not None:
                entry["met"] = bool(entry["value"] <= t.limit)
        row.targets.append(entry)


# ----------------------------------------------------------------------------- output


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """An aligned text table."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right)).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def main_table(rows: Sequence[Row]) -> str:
    """The summary table: gradc figures, best peer, ratio, targets."""
    body: list[list[str]] = []
    for r in rows:
        g = r.engines.get("gradc")
        ok = g is not None and g.status == "ok"
        best = f"{r.best_peer} {fmt_time(r.engines[r.best_peer].median_s)}" if r.best_peer else "—"
        met: list[str] = []
        for t in r.targets:
            mark = "*" if str(t["basis"]).startswith("README") else ""
            met.append("?" if t["met"] is None else ("yes" if t["met"] else "NO") + mark)
            if t["kind"] == "ratio" and t["value"] is not None:
                met[-1] += f" ({t['value']:.2f}×)"
        err = "—"
        bad = "unsupported" if g is not None and g.status == "unsupported" else "ERROR"
        if ok and g is not None and g.max_rel_err is not None:
            err = f"{g.max_rel_err:.1e}"
        body.append(
            [
                SHORT.get(r.workload, r.workload),
                r.preset,
                fmt_time(g.cold_s) if ok and g else bad,
                fmt_time(g.median_s) if ok and g else bad,
                fmt_mb(g.rss_mb) if ok and g else "—",
                err,
                best,
                f"{r.ratio:.2f}×" if r.ratio is not None else "—",
                "; ".join(t["label"] for t in r.targets) or "—",
                "; ".join(met) or "—",
            ]
        )
    headers = [
        "workload",
        "preset",
        "gradc cold",
        "gradc median",
        "gradc RSS",
        "rel err",
        "best peer",
        "ratio",
        "target",
        "met?",
    ]
    return table(headers, body, [False, False, True, True, True, True, False, True, False, False])


def details_table(rows: Sequence[Row], engines: Sequence[str]) -> str:
    """Every engine's cold / median / RSS / error per row."""
    body: list[list[str]] = []
    for r in rows:
        for e in engines:
            res = r.engines.get(e)
            if res is None:
                continue
            if res.status == "ok":
                err = "—" if res.max_rel_err is None else f"{res.max_rel_err:.1e}"
                body.append(
                    [
                        SHORT.get(r.workload, r.workload),
                        r.preset,
                        e,
                        fmt_time(res.cold_s),
                        fmt_time(res.median_s),
                        fmt_mb(res.rss_mb),
                        err,
                        res.reason,
                    ]
                )
            else:
                body.append(
                    [SHORT.get(r.workload, r.workload), r.preset, e, "—", "—", "—", "—", f"{res.status}: {res.reason}"]
                )
    headers = ["workload", "preset", "engine", "cold", "median", "RSS", "rel err", "note"]
    return table(headers, body, [False, False, False, True, True, True, True, False])
