"""A sweep store's folder on disk: the marks that say it is chainsim's, its safe removal, the
files a killed write leaves behind, and the paths a store may take.  (What is inside the store
is :mod:`chainsim.sweep.store`'s.)"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

PROGRESS = "sweep_progress"
MARKER = "sweep_store"
#: the longest file name (one path component) most file systems take: a store's node names,
#: the command line's output files
NAME_MAX = 255


class StoreError(RuntimeError):
    """A store that chainsim will not write into (another sweep's, or not a sweep store)."""



def read_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def marker(path: Path) -> dict | None:
    """The marker group's attributes, or None when there is none or it is damaged."""
    meta = read_json(path / MARKER / "zarr.json")
    attrs = meta.get("attributes") if isinstance(meta, dict) else None
    if isinstance(attrs, dict) and attrs.get("chainsim_sweep_store"):
        return attrs
    return None


def identity(path: Path) -> tuple | None:
    """``(spec dict, chainsim version, block)`` of the store at ``path``: from its marker, or
    (marker damaged, or an older store) from the root's attributes and ``status``'s chunks."""
    m = marker(path)
    if m is not None:
        return json.loads(m["sweep_spec"]), m["chainsim_version"], tuple(m["block"])
    meta, status = read_json(path / "zarr.json"), read_json(path / "status" / "zarr.json")
    try:
        attrs = meta["attributes"]
        block = status["chunk_grid"]["configuration"]["chunk_shape"]
        return json.loads(attrs["sweep_spec"]), attrs["chainsim_version"], tuple(block)
    except (TypeError, KeyError, ValueError):
        return None


def is_chainsim(path: Path) -> bool:
    """Whether ``path`` bears a chainsim mark: the marker group, a spec in the root's
    attributes, or the progress group (one of them survives most damage)."""
    if (path / MARKER).is_dir() or (path / PROGRESS).is_dir():
        return True
    meta = read_json(path / "zarr.json")
    return isinstance(meta, dict) and "sweep_spec" in (meta.get("attributes") or {})


def remove(path: Path) -> None:
    """Remove a file or a directory tree, making read-only parts writable on the way."""
    def retry(fn, p, _):
        os.chmod(os.path.dirname(p) or ".", stat.S_IRWXU)
        if os.path.isdir(p) and not os.path.islink(p):
            os.chmod(p, stat.S_IRWXU)
        fn(p)

    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        try:
            shutil.rmtree(path, onexc=retry)
        except TypeError:                        # Python < 3.12
            shutil.rmtree(path, onerror=retry)


def remove_store(path: Path) -> None:
    """Remove a chainsim store, its marker group last (a kill halfway leaves it recognisable,
    so that --overwrite can finish the job)."""
    for child in path.iterdir():
        if child.name != MARKER:
            remove(child)
    remove(path)


def clean_partial(path: Path) -> int:
    """Remove the temporary files (``*.partial``) a killed write leaves behind."""
    n = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            if f.endswith(".partial"):
                os.unlink(os.path.join(dirpath, f))
                n += 1
    return n


def check_path(path) -> Path:
    """Refuse a store path that cannot be a new directory or a store (before creating)."""
    path = Path(path)
    text = str(path)
    long = [p for p in path.parts if len(p.encode()) > NAME_MAX]
    if long:
        raise StoreError(f"store {long[0][:40]}...: a name of {len(long[0].encode())} bytes; "
                         f"a file name has at most {NAME_MAX}")
    if not text or path.name in ("", ".", "..") or path.resolve() in (
            Path.cwd(), *Path.cwd().parents):
        raise StoreError(f"store {text!r}: a store is a directory of its own, not the current "
                         "directory or one above it; give a new name, e.g. results.zarr")
    if path.is_symlink():
        raise StoreError(f"{path} is a symbolic link; give the store's real path")
    if path.exists():
        if not path.is_dir():
            raise StoreError(f"{path} exists and is not a directory; choose another path")
        if not os.access(path, os.W_OK | os.X_OK):
            raise StoreError(f"{path}: cannot write there (permission denied)")
        return path
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK) or \
            str(parent.resolve()).startswith(("/proc", "/sys", "/dev")):
        raise StoreError(f"{path}: cannot create a directory in {parent} (not writable)")
    return path


__all__ = ["StoreError", "PROGRESS", "MARKER", "NAME_MAX", "read_json", "marker", "identity",
           "is_chainsim", "remove", "remove_store", "clean_partial", "check_path"]
