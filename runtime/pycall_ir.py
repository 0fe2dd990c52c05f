"""The LLVM IR text of pycall's METH_FASTCALL dispatcher, and the layout it shares with pycall.py.

`call(self, args, nargs)` (runtime/pycall.py explains what it does) reads everything from the
descriptor `self` points to: header words in `_HEADER` order, then argument/output records and
result nodes. The NumPy object offsets and flags it checks, the header layout and the node
kinds are defined here because the IR text is formatted from them; pycall.py builds the
descriptors with the same names, so the two cannot drift apart.
"""

from __future__ import annotations

import functools
import re

_C_CONTIGUOUS, _ALIGNED = 0x1, 0x100  # NPY_ARRAY_* flags
# Offsets in PyArrayObject_fields (64-bit): data, nd, dimensions, descr, flags; ob_type at 8.
_TYPE, _DATA, _ND, _DIMS, _DESCR, _FLAGS = 8, 16, 24, 32, 56, 64

# Descriptor header words (uint64 each); records follow: inputs and outputs (descr, ndim,
# word index of dims), nodes (kind, arg, parent or -1, position in parent). `_HEADER` order.
_HEADER = ("entry", "ws", "n_in", "n_out", "n_nodes", "miss", "none", "type0", "type1", "incref",
           "decref", "new", "list_new", "tuple_new", "list_set", "tuple_set", "in_off", "out_off",
           "node_off")
_NONE, _OUT, _LIST, _TUPLE = 0, 1, 2, 3  # node kinds


def _w(name: str) -> int:
    return _HEADER.index(name)


# The dispatcher; `%D` is the descriptor, `%a` an argument, `%o`/`%l`/`%tu` new objects.
# `%v = call T @w(ptr %base, i64 %i)` is shorthand for loading word i (`_expand` below).
_IR_SHORT = f"""
define ptr @"gradc.fastcall"(ptr %self, ptr %args, i64 %nargs) {{
entry:
  %dp = getelementptr i8, ptr %self, i64 {_DATA}
  %D = load ptr, ptr %dp
  %nin = call i64 @w(ptr %D, i64 {_w("n_in")})
  %nout = call i64 @w(ptr %D, i64 {_w("n_out")})
  %nnodes = call i64 @w(ptr %D, i64 {_w("n_nodes")})
  %in = alloca ptr, i64 %nin
  %out = alloca ptr, i64 %nout
  %nodes = alloca ptr, i64 %nnodes
  %t0 = call ptr @p(ptr %D, i64 {_w("type0")})
  %t1 = call ptr @p(ptr %D, i64 {_w("type1")})
  %inoff = call i64 @w(ptr %D, i64 {_w("in_off")})
  %nok = icmp eq i64 %nargs, %nin
  br i1 %nok, label %iloop, label %miss
iloop:
  %k = phi i64 [0, %entry], [%k1, %inext]
  %imore = icmp ult i64 %k, %nin
  br i1 %imore, label %ibody, label %build
ibody:
  %ap = getelementptr ptr, ptr %args, i64 %k
  %a = load ptr, ptr %ap
  %atp = getelementptr i8, ptr %a, i64 {_TYPE}
  %at = load ptr, ptr %atp
  %is0 = icmp eq ptr %at, %t0
  %is1 = icmp eq ptr %at, %t1
  %ist = or i1 %is0, %is1
  br i1 %ist, label %ifields, label %miss
ifields:
  %k3 = mul i64 %k, 3
  %ri = add i64 %inoff, %k3
  %wdescr = call ptr @p(ptr %D, i64 %ri)
  %ri1 = add i64 %ri, 1
  %wnd = call i64 @w(ptr %D, i64 %ri1)
  %ri2 = add i64 %ri, 2
  %wdims = call i64 @w(ptr %D, i64 %ri2)
  %adescr = call ptr @p(ptr %a, i64 {_DESCR // 8})
  %andp = getelementptr i8, ptr %a, i64 {_ND}
  %and32 = load i32, ptr %andp
  %and = sext i32 %and32 to i64
  %aflp = getelementptr i8, ptr %a, i64 {_FLAGS}
  %afl = load i32, ptr %aflp
  %c1 = icmp eq ptr %adescr, %wdescr
  %c2 = icmp eq i64 %and, %wnd
  %fm = and i32 %afl, {_C_CONTIGUOUS | _ALIGNED}
  %c3 = icmp eq i32 %fm, {_C_CONTIGUOUS | _ALIGNED}
  %c12 = and i1 %c1, %c2
  %c = and i1 %c12, %c3
  br i1 %c, label %dhead, label %miss
dhead:
  %adims = call ptr @p(ptr %a, i64 {_DIMS // 8})
  %wdimsp = getelementptr i64, ptr %D, i64 %wdims
  br label %dloop
dloop:
  %j = phi i64 [0, %dhead], [%j1, %dbody]
  %dmore = icmp ult i64 %j, %wnd
  br i1 %dmore, label %dbody, label %inext
dbody:
  %x = call i64 @w(ptr %adims, i64 %j)
  %y = call i64 @w(ptr %wdimsp, i64 %j)
  %j1 = add i64 %j, 1
  %same = icmp eq i64 %x, %y
  br i1 %same, label %dloop, label %miss
inext:
  %adata = call ptr @p(ptr %a, i64 {_DATA // 8})
  %islot = getelementptr ptr, ptr %in, i64 %k
  store ptr %adata, ptr %islot
  %k1 = add i64 %k, 1
  br label %iloop
build:
  %nodeoff = call i64 @w(ptr %D, i64 {_w("node_off")})
  %outoff = call i64 @w(ptr %D, i64 {_w("out_off")})
  %incref = call ptr @p(ptr %D, i64 {_w("incref")})
  %cls = call ptr @p(ptr %D, i64 {_w("type1")})
  br label %nloop
nloop:
  %n = phi i64 [0, %build], [%n1, %nnext]
  %nmore = icmp ult i64 %n, %nnodes
  br i1 %nmore, label %nbody, label %run
nbody:
  %n4 = mul i64 %n, 4
  %ni = add i64 %nodeoff, %n4
  %kind = call i64 @w(ptr %D, i64 %ni)
  %ni1 = add i64 %ni, 1
  %arg = call i64 @w(ptr %D, i64 %ni1)
  switch i64 %kind, label %knone [i64 {_OUT}, label %kout
                                  i64 {_LIST}, label %klist
                                  i64 {_TUPLE}, label %ktuple]
knone:
  %none = call ptr @p(ptr %D, i64 {_w("none")})
  call void %incref(ptr %none)
  br label %made
kout:
  %a3 = mul i64 %arg, 3
  %oi = add i64 %outoff, %a3
  %odescr = call ptr @p(ptr %D, i64 %oi)
  %oi1 = add i64 %oi, 1
  %ond = call i64 @w(ptr %D, i64 %oi1)
  %ond32 = trunc i64 %ond to i32
  %oi2 = add i64 %oi, 2
  %odims = call i64 @w(ptr %D, i64 %oi2)
  %odimsp = getelementptr i64, ptr %D, i64 %odims
  %new = call ptr @p(ptr %D, i64 {_w("new")})
  call void %incref(ptr %odescr)
  %o = call ptr %new(ptr %cls, ptr %odescr, i32 %ond32, ptr %odimsp, ptr null, ptr null, i32 0, ptr null)
  %onull = icmp eq ptr %o, null
  br i1 %onull, label %fail, label %kout.ok
kout.ok:
  %odata = call ptr @p(ptr %o, i64 {_DATA // 8})
  %oslot = getelementptr ptr, ptr %out, i64 %arg
  store ptr %odata, ptr %oslot
  br label %made
klist:
  %lnew = call ptr @p(ptr %D, i64 {_w("list_new")})
  %l = call ptr %lnew(i64 %arg)
  %lnull = icmp eq ptr %l, null
  br i1 %lnull, label %fail, label %made
ktuple:
  %tnew = call ptr @p(ptr %D, i64 {_w("tuple_new")})
  %tu = call ptr %tnew(i64 %arg)
  %tnull = icmp eq ptr %tu, null
  br i1 %tnull, label %fail, label %made
made:
  %obj = phi ptr [%none, %knone], [%o, %kout.ok], [%l, %klist], [%tu, %ktuple]
  %nslot = getelementptr ptr, ptr %nodes, i64 %n
  store ptr %obj, ptr %nslot
  %ni2 = add i64 %ni, 2
  %parent = call i64 @w(ptr %D, i64 %ni2)
  %isroot = icmp slt i64 %parent, 0
  br i1 %isroot, label %nnext, label %set
set:
  %ni3 = add i64 %ni, 3
  %pos = call i64 @w(ptr %D, i64 %ni3)
  %pobj = call ptr @p(ptr %nodes, i64 %parent)
  %p4 = mul i64 %parent, 4
  %pi = add i64 %nodeoff, %p4
  %pkind = call i64 @w(ptr %D, i64 %pi)
  %ptup = icmp eq i64 %pkind, {_TUPLE}
  %setw = select i1 %ptup, i64 {_w("tuple_set")}, i64 {_w("list_set")}
  %setter = call ptr @p(ptr %D, i64 %setw)
  %sr = call i32 %setter(ptr %pobj, i64 %pos, ptr %obj) ; steals %obj
  br label %nnext
nnext:
  %n1 = add i64 %n, 1
  br label %nloop
run:
  %entryf = call ptr @p(ptr %D, i64 {_w("entry")})
  %ws = call ptr @p(ptr %D, i64 {_w("ws")})
  call void %entryf(ptr %in, ptr %out, ptr %ws)
  %root = load ptr, ptr %nodes
  ret ptr %root
fail:
  %first = icmp eq i64 %n, 0
  br i1 %first, label %retnull, label %freeroot
freeroot:
  %froot = load ptr, ptr %nodes
  %decref = call ptr @p(ptr %D, i64 {_w("decref")})
  call void %decref(ptr %froot)
  br label %retnull
retnull:
  ret ptr null
miss:
  %missobj = call ptr @p(ptr %D, i64 {_w("miss")})
  %mincref = call ptr @p(ptr %D, i64 {_w("incref")})
  call void %mincref(ptr %missobj)
  ret ptr %missobj
}}
"""


def _expand(text: str) -> str:
    """Replace each `@w` (i64) / `@p` (ptr) word-load shorthand by a getelementptr and a load."""
    return re.sub(r"(%[\w.]+) = call (i64|ptr) @[wp]\(ptr (%[\w.]+), i64 ([%\w.]+)\)",
                  r"\1.q = getelementptr \2, ptr \3, i64 \4\n  \1 = load \2, ptr \1.q", text)


@functools.cache
def _ir() -> str:
    """The dispatcher's LLVM text (built on first use: importing gradc stays cheap)."""
    return _expand(_IR_SHORT)
