"""tf.gradients on gradc's IR: TensorFlow's algorithm, checks, naming and aggregation.

The steps mirror TensorFlow 2.21's `gradients_util._GradientsHelper` so that results, op
names and errors match (see ../shared/TF_GRADIENTS_SPEC.md):

1. mark ops reachable forward from the xs through float tensors only;
2. keep the ops between xs and ys, and count for each how many between-ops consume it;
3. seed each y (`<scope>/grad_ys_<i>`: a Fill of ones, or an Identity of the given grad_y);
4. process ops in reverse topological order from a queue of ready ops: aggregate the
   gradients received on each output (AddN, or a chain of pairwise AddN for the tree method),
   call the op's rule in scope `<scope>/<op>_grad`, optionally gate the results, and pass
   each input gradient to its producer; ops staged inside a tf.cond branch (`branch_ops`)
   are processed as soon as they are ready and aggregate under their cond's scope, as TF
   does them inside its If gradient (the cond's `cond_inputs` op plays TF's If);
5. read each x's aggregated gradient (None, or zeros with `unconnected_gradients='zero'`).

Function arguments act as TF's placeholders: nodes with one output and no inputs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any, Union

import numpy as np

from ..errors import ShapeError
from ..ir.builder import Builder
from ..ir.core import Op, Value
from ..ops import registry
from . import rules

Node = Union[Op, Value]  # an op, or a function argument standing for TF's placeholder op
VALID_AGGREGATION = (0, 1, 2)  # ADD_N (= DEFAULT), EXPERIMENTAL_TREE, EXPERIMENTAL_ACCUMULATE_N


def node_of(v: Value) -> Node:
    return v.op if v.op is not None else v


def _inputs(n: Node) -> list[Value]:
    return list(n.operands) if isinstance(n, Op) and n.opdef != "no_op" else []


def _outputs(n: Node) -> list[Value]:
    return list(n.results) if isinstance(n, Op) else [n]


def is_trainable(v: Value) -> bool:
    """Only float tensors carry gradient (TF: float16/bfloat16/float32/float64/complex)."""
    return v.type.dtype.is_float


def _name(n: Node) -> str:
    return n.name if isinstance(n, Op) else n.arg_name


def gradients(
    b: Builder,
    ys: Sequence[Value],
    xs: Sequence[Value],
    grad_ys: Sequence[Value | np.ndarray | None] | None = None,
    name: str | None = "gradients",
    gate_gradients: bool = False,
    aggregation_method: Any = None,
    stop_gradients: Sequence[Value] = (),
    unconnected_gradients: str = "none",
) -> list[Value | None]:
    """Append the gradient ops of sum(grad_ys * ys) w.r.t. each x; return one entry per x."""
    ys, xs = list(ys), list(xs)
    grad_list = [None] * len(ys) if grad_ys is None else list(grad_ys)
    start = len(b.fn.ops)
    try:
        return _gradients(b, ys, xs, grad_list, name, gate_gradients, aggregation_method,
                          stop_gradients, unconnected_gradients)
    finally:
        b.fn.autodiff_ops.update(op.name for op in b.fn.ops[start:])


def _gradients(
    b: Builder,
    ys: list[Value],
    xs: list[Value],
    grad_list: list[Value | np.ndarray | None],
    name: str | None,
    gate_gradients: bool,
    aggregation_method: Any,
    stop_gradients: Sequence[Value],
    unconnected_gradients: str,
) -> list[Value | None]:
    with b.name_scope("gradients" if name is None else name):
        seeds = _default_grad_ys(b, grad_list, ys)
        uses: dict[Value, list[Op]] = b.fn.users()
        reached = _mark_reached([node_of(x) for x in xs], uses)
        to_nodes = [node_of(y) for y in ys]
        reachable_to = {n for n in to_nodes if n in reached}
        between, pending = _pending_counts(to_nodes, reached)

        grads: dict[Node, list[list[Value]]] = {}
        for y, seed in zip(ys, seeds):
            _set_grad(grads, y, seed)

        queue: deque[Node] = deque()
        queued: set[Node] = set()
        for n in to_nodes:
            if pending.get(n, 0) == 0 and n not in queued and n in reachable_to:
                queued.add(n)
                queue.append(n)

        stop_nodes = _stop_nodes([node_of(x) for x in xs], [node_of(s) for s in stop_gradients], pending)
        aggregated: dict[Node, list[Value | None]] = {}
        while queue:
            n = queue.popleft()
            out_grads = _aggregate(b, grads, n, aggregation_method)
            aggregated[n] = out_grads
            ins = _inputs(n)
            in_grads: list[Value | None] = [None] * len(ins)
            has_out_grads = any(g is not None for g in out_grads)
            if has_out_grads and n not in stop_nodes and isinstance(n, Op):
                in_grads = _call_rule(b, n, out_grads, gate_gradients)
            for i, (t_in, g) in enumerate(zip(ins, in_grads)):
                if g is None:
                    continue
                if g.type.shape != t_in.type.shape:
                    raise ShapeError(
                        "Incompatible shapes between op input and calculated input gradient. "
                        f"Forward operation: {_name(n)}. Input index: {i}. Original input shape: "
                        f"{t_in.type.tf_shape()}. Calculated input gradient shape: {g.type.tf_shape()}"
                    )
                _set_grad(grads, t_in, g)
            for t_in in ins:
                m = node_of(t_in)
                pending[m] = pending.get(m, 0) - 1
                if pending[m] == 0:
                    # TF differentiates a cond as one If op, its branches inside the If gradient:
                    # gradc's branch ops run at once, so the cond_inputs op (TF's If) joins the
                    # queue when TF's If would, and the outer ops keep TF's order and names.
                    if isinstance(m, Op) and m.name in b.fn.branch_ops:
                        queue.appendleft(m)
                    else:
                        queue.append(m)
    return [_final_grad(b, aggregated, grads, x, unconnected_gradients) for x in xs]


# -- graph walks ----------------------------------------------------------------------------------


def _mark_reached(from_nodes: list[Node], uses: dict[Value, list[Op]]) -> set[Node]:
    reached: set[Node] = set()
    queue = deque(from_nodes)
    while queue:
        n = queue.popleft()
        if n in reached:
            continue
        reached.add(n)
        for out in _outputs(n):
            if is_trainable(out):
                queue.extend(u for u in uses.get(out, []) if u.opdef != "no_op")
    return reached


def _pending_counts(to_nodes: list[Node], reached: set[Node]) -> tuple[set[Node], dict[Node, int]]:
    remaining = set(reached)
    between: set[Node] = set()
    order: list[Node] = []
    queue = deque(to_nodes)
    while queue:
        n = queue.popleft()
        if n in remaining:
            between.add(n)
            order.append(n)
            remaining.discard(n)
            queue.extend(node_of(v) for v in _inputs(n))
    pending: dict[Node, int] = {}
    for n in order:
        for v in _inputs(n):
            m = node_of(v)
            if m in between:
                pending[m] = pending.get(m, 0) + 1
    return between, pending


def _stop_nodes(from_nodes: list[Node], stop: list[Node], pending: dict[Node, int]) -> set[Node]:
    out: set[Node] = set()
    for n in from_nodes:
        if all(pending.get(node_of(v), 0) <= 0 for v in _inputs(n)):
            out.add(n)
    out.update(stop)
    return out


# -- seeds, aggregation, rules --------------------------------------------------------------------


def _default_grad_ys(b: Builder, grad_ys: list[Value | np.ndarray | None], ys: list[Value]) -> list[Value]:
    if len(grad_ys) != len(ys):
        raise ValueError(f"Length mismatch. Passed {len(grad_ys)} grad_ys for {len(ys)} ys")
    converted: list[Value | None] = []
    for g in grad_ys:  # TF converts every grad_y first (ops named grad_y), then checks them
        converted.append(b.constant(g, name="grad_y") if isinstance(g, np.ndarray) else g)
    seeds: list[Value] = []
    for i, (y, g) in enumerate(zip(ys, converted)):
        if g is None:
            b.unique_name("Shape")  # TF builds Shape(y) here; the shape is static for us
            one = b.constant(np.ones((), y.type.dtype.np))
            seeds.append(b.emit("fill", one, name=f"grad_ys_{i}", dims=y.type.shape))
            continue
        if not (g.type.dtype.is_float or g.type.dtype.is_int):
            raise TypeError(
                f"Gradient type {g.type.dtype.name} generated for real or integer-valued tensor "
                f'Tensor("{y.name}", shape={y.type.tf_shape()}, dtype={y.type.dtype.name}) with '
                f"type {y.type.dtype.name} must be real or integer"
            )
        seeds.append(b.emit("identity", g, name=f"grad_ys_{i}"))
    return seeds


def _set_grad(grads: dict[Node, list[list[Value]]], t: Value, g: Value) -> None:
    n = node_of(t)
    slots = grads.setdefault(n, [[] for _ in _outputs(n)])
    slots[t.index].append(g)


def _aggregate(b: Builder, grads: dict[Node, list[list[Value]]], n: Node, method: Any) -> list[Value | None]:
    if method is None:
        method = 0
    if method not in VALID_AGGREGATION:
        raise ValueError(
            f"Invalid `aggregation_method` specified {method}. Accepted values are [0, 1, 2]."
        )
    slots = grads.get(n, [[] for _ in _outputs(n)])
    out: list[Value | None] = []
    for contribs in slots:
        if not contribs:
            out.append(None)
        elif len(contribs) == 1:
            out.append(contribs[0])
        elif method in (1, 2):  # EXPERIMENTAL_TREE / ACCUMULATE_N: pairwise AddN in a scope
            with b.name_scope(f"{_name(n)}_gradient_sum"):
                acc = contribs[0]
                for g in contribs[1:]:
                    acc = b.emit("add_n", acc, g, name="AddN")
            out.append(acc)
        else:
            out.append(b.emit("add_n", *contribs, name=_in_branch(b, n, "AddN")))
    return out


def _in_branch(b: Builder, n: Node, name: str) -> str:
    """`name`, or `<cond scope>/name` for an op staged inside a tf.cond branch.

    TF computes those gradients inside the If gradient's branch functions, so they never take
    a name of the outer `<scope>/AddN[_k]` or `<scope>/zeros_like[_k]` sequences.
    """
    scope = b.fn.branch_ops.get(n.name) if isinstance(n, Op) else None
    return name if scope is None else f"{scope}/{name}"


def _call_rule(b: Builder, op: Op, out_grads: list[Value | None], gate: bool) -> list[Value | None]:
    od = registry.get(op.opdef)
    if not od.differentiable:
        return [None] * len(op.operands)
    rule = rules.RULES.get(op.opdef)
    if rule is None:
        raise LookupError(f"No gradient defined for operation'{op.name}' (op type: {od.tf_type})")
    filled: list[Value | None] = []
    for r, g in zip(op.results, out_grads):
        # Missing output gradients are zeros, as in TF (except for rules that take None).
        if g is None and is_trainable(r) and op.opdef not in rules.NONE_GRADS_OK:
            g = b.constant(np.zeros(r.type.shape, r.type.dtype.np), name=_in_branch(b, op, "zeros_like"))
        filled.append(g)
    with b.name_scope(f"{op.name}_grad"), b.at(op.loc):
        in_grads = list(rule(b, op, filled))
        if len(in_grads) != len(op.operands):
            raise ValueError(
                f"Num gradients {len(in_grads)} generated for op {op.name} do not match num "
                f"inputs {len(op.operands)}"
            )
        if gate and sum(g is not None for g in in_grads) > 1:
            in_grads = _gate(b, in_grads)
    return in_grads


def _gate(b: Builder, grads: list[Value | None]) -> list[Value | None]:
    """TF's control_flow_ops.tuple: a NoOp grouping all gradients, an Identity per gradient."""
    with b.name_scope("tuple"):
        present = [g for g in grads if g is not None]
        with b.name_scope("group_deps") as gd:
            b.create("no_op", present, {}, name=gd + "/")
        out: list[Value | None] = []
        for g in grads:
            if g is None:
                out.append(None)
                continue
            with b.name_scope("control_dependency") as cd:
                out.append(b.emit("identity", g, name=cd + "/"))
    return out


def _final_grad(
    b: Builder,
    aggregated: dict[Node, list[Value | None]],
    grads: dict[Node, list[list[Value]]],
    x: Value,
    unconnected: str,
) -> Value | None:
    n = node_of(x)
    g: Value | None = None
    if n in aggregated:
        g = aggregated[n][x.index]
    elif n in grads and grads[n][x.index]:
        g = grads[n][x.index][0]
    if g is None and unconnected == "zero":
        return b.constant(np.zeros(x.type.shape, x.type.dtype.np), name="zeros_like")
    return g
