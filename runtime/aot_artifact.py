"""The trailer gradc appends to every AOT object and shared library, and its verification.

`gradc.load` must never map a file that would crash the process: a truncated or modified
library (SIGBUS while mapping, or garbage code), one built for another architecture, or one
compiled for CPU features this host lacks (SIGILL on the first call). So each artefact gradc
writes ends with a trailer that the loader reads with ordinary file I/O *before* anything is
mapped:

    payload (the ELF bytes, unchanged)  |  metadata (UTF-8 JSON)  |  footer (56 bytes)

    footer = sha256(payload + metadata) [32] | payload length u64 | metadata length u32
             | format version u32 | b"GRADCAOT" [8]          (little-endian)

The metadata names the artefact kind ("shared" or "object"), the target triple, the CPU and
the LLVM features the code may use. ELF readers (the dynamic loader, `ld`) locate everything
through the ELF headers at the start of the file and ignore trailing bytes, so a sealed object
still links with `cc` and a sealed library still works with `dlopen`.

The hash detects truncation and accidental modification; it is not a signature (anyone can
write a valid trailer), which is fine: the file is one the user named explicitly.
This module needs neither llvmlite nor the compiler.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MAGIC = b"GRADCAOT"
FORMAT_VERSION = 1
FOOTER = struct.Struct("<32sQII8s")  # sha256, payload length, metadata length, format version, magic
KINDS = ("shared", "object")


class AotLoadError(ValueError):
    """A file is not a gradc AOT artefact this process can safely load (it was not mapped)."""


@dataclass(frozen=True)
class ArtifactInfo:
    """What an artefact says about itself."""

    kind: str  # "shared" (for gradc.load) or "object" (for linking into C programs)
    triple: str  # LLVM target triple, e.g. x86_64-unknown-linux-gnu
    cpu: str  # the CPU the code was compiled for ("generic", "skylake", ...; several joined by ",")
    features: tuple[str, ...]  # LLVM features the code may use, e.g. ("avx2", "fma", "sse4.1")

    def to_json(self) -> bytes:
        return json.dumps({"kind": self.kind, "triple": self.triple, "cpu": self.cpu,
                           "features": sorted(self.features)}, separators=(",", ":")).encode()


def seal(payload: bytes, info: ArtifactInfo) -> bytes:
    """`payload` followed by the trailer describing it."""
    meta = info.to_json()
    digest = hashlib.sha256(payload + meta).digest()
    return payload + meta + FOOTER.pack(digest, len(payload), len(meta), FORMAT_VERSION, MAGIC)


def _footer(footer: bytes, size: int, source: str) -> tuple[bytes, int, int]:
    """(digest, payload length, metadata length) from the last FOOTER.size bytes of a `size`-byte file."""
    if size < FOOTER.size or footer[-len(MAGIC):] != MAGIC:
        what = "an empty file" if not size else f"{size} bytes without a gradc trailer"
        raise AotLoadError(
            f"{source} is not a gradc AOT library (or it is truncated): {what}. Only files written by "
            "`gradc compile --emit so` or compile_aot(...).shared_library() can be loaded")
    digest, n_payload, n_meta, version, _ = FOOTER.unpack(footer)
    if version != FORMAT_VERSION:
        raise AotLoadError(f"{source} is a gradc AOT artefact of format version {version}, this gradc reads "
                           f"version {FORMAT_VERSION}: rebuild it with this gradc")
    if n_payload + n_meta + FOOTER.size != size:
        raise AotLoadError(f"{source} is truncated or modified: its trailer describes "
                           f"{n_payload + n_meta + FOOTER.size} bytes, the file has {size}")
    return digest, n_payload, n_meta


def _body(body: bytes, digest: bytes, n_payload: int, source: str) -> tuple[bytes, ArtifactInfo]:
    if hashlib.sha256(body).digest() != digest:
        raise AotLoadError(f"{source} is truncated or modified (SHA-256 hash mismatch): rebuild it")
    try:
        meta = json.loads(body[n_payload:].decode())
        info = ArtifactInfo(str(meta["kind"]), str(meta["triple"]), str(meta["cpu"]),
                            tuple(str(f) for f in meta["features"]))
    except (ValueError, KeyError, TypeError) as e:  # a hash-consistent but malformed trailer
        raise AotLoadError(f"{source} has a malformed gradc trailer ({e})") from None
    if info.kind not in KINDS:
        raise AotLoadError(f"{source} has a malformed gradc trailer (kind {info.kind!r})")
    return body[:n_payload], info


def unseal(data: bytes, source: str) -> tuple[bytes, ArtifactInfo]:
    """The payload and metadata of a sealed artefact; AotLoadError unless it is intact."""
    digest, n_payload, n_meta = _footer(data[-FOOTER.size:], len(data), source)
    return _body(data[:n_payload + n_meta], digest, n_payload, source)


def read_sealed(path: str | os.PathLike[str]) -> tuple[bytes, ArtifactInfo]:
    """`unseal` of a file; its footer is checked before the rest is read (it may be anything)."""
    source = os.fspath(path)
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        f.seek(max(size - FOOTER.size, 0))
        digest, n_payload, n_meta = _footer(f.read(FOOTER.size), size, source)
        f.seek(0)
        body = f.read(n_payload + n_meta)
    return _body(body, digest, n_payload, source)


def triple_key(triple: str) -> tuple[str, str]:
    """(architecture, OS-environment) of an LLVM triple; the vendor field does not matter here."""
    parts = triple.split("-")
    return parts[0], "-".join(parts[2:] if len(parts) > 2 else parts[1:])


def check_host(info: ArtifactInfo, source: str, host_triple: str, host_features: Mapping[str, bool]) -> None:
    """AotLoadError unless this host can run code built for `info`'s triple and features."""
    if triple_key(info.triple) != triple_key(host_triple):
        raise AotLoadError(f"{source} was built for {info.triple}, this host is {host_triple}")
    missing = [f for f in info.features if not host_features.get(f, False)]
    if missing:
        raise AotLoadError(
            f"{source} was built for CPU {info.cpu} with features {','.join(missing)} that this host lacks; "
            "rebuild it here, or with --cpu generic (compile_aot(..., cpu='generic')) for a portable library")


def merge(infos: Iterable[ArtifactInfo], kind: str, source: str) -> ArtifactInfo:
    """The metadata of a library linked from several objects: one triple, the union of features."""
    infos = list(infos)
    triples = sorted({i.triple for i in infos})
    if len(triples) != 1:
        raise AotLoadError(f"{source}: objects built for different targets ({', '.join(triples)})")
    cpus = ",".join(dict.fromkeys(i.cpu for i in infos))
    return ArtifactInfo(kind, triples[0], cpus, tuple(sorted({f for i in infos for f in i.features})))
