"""The array boundary declared once (chainsim/symbolic/boundary.py -> chainsim/_generated/layout.py).

- the packing is the same, byte for byte, as before the table existed (a hash of ``theta`` for
  a few thousand random models covering every parameter, barefoot and shod);
- no bare integer sub-offset into a packed block is left in the code (``s[b + 4]``,
  ``s[S_FASCIA + 2]``): parts are read by their generated names;
- the generated layout is consistent with the outputs and statuses the API reports.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import numpy as np
import pytest

from chainsim import OUTPUTS
from chainsim._generated import layout as L
from chainsim.pack import pack
from chainsim.statics import SOLVED, STATUS, STATUS_HELP

PACKAGE = Path(__file__).resolve().parent.parent / "chainsim"

#: The parameters at the table's introduction: (key, low, high); a side key stands for both
#: sides.  Optional ones (None = free) are left free in a quarter of the points.
SAMPLED = (
    ("subject.mass_kg", 30.0, 200.0), ("subject.height_m", 1.3, 2.2),
    ("arch_stiffness_n_per_mm", 15.0, 1000.0), ("pronation_deg", -20.0, 20.0),
    ("wedge_deg", -20.0, 20.0), ("heel_lift_mm", 0.0, 40.0), ("leg_length_diff_mm", 0.0, 50.0),
    ("hip_strength", 0.2, 1.5), ("subtalar_inclination_deg", 20.0, 65.0),
    ("subtalar_deviation_deg", 0.0, 45.0), ("subtalar_drive_deg", -25.0, 25.0),
    ("arch_height_scale", 0.6, 1.4), ("fascia_stiffness_scale", 0.0, 3.0),
    ("first_ray_stiffness_scale", 0.1, 3.0), ("toe_extension_deg", 0.0, 45.0),
    ("toe_drive_deg", 0.0, 60.0), ("insole.arch_support_mm", 0.0, 5.0),
    ("insole.arch_support_stiffness_n_per_mm", 5.0, 1000.0),
    ("insole.rearfoot_post_deg", -15.0, 15.0), ("insole.forefoot_post_deg", -15.0, 15.0),
    ("insole.heel_lift_mm", 0.0, 30.0), ("insole.heel_cup", 0.0, 1.0),
    ("insole.cushioning_stiffness_n_per_mm", 20.0, 5000.0),
    ("insole.cushioning_damping_ns_per_m", 0.0, 5000.0),
)
OPTIONAL = ("subtalar_drive_deg", "toe_drive_deg", "insole.cushioning_stiffness_n_per_mm")
N_SAMPLED = 3000
#: sha256 of ``pack`` of ``sample()`` (barefoot, then shod with a 100 N/mm, 300 N s/m
#: midsole), computed with the packing as it was before the table (the shoe then patched into
#: ``theta`` after packing); a change meant to alter the packing updates these, saying why
PACK_SHA256 = {
    "barefoot": "560ec5a51c70652aaf0df4e0087c7ebc54a214fadbfec16fbfda35e32fde47c2",
    "shod": "e34c90e9afe75ecc219c79ba4d6e6dd5643080637ffca046121b34020fb302bc",
}


def sample(n: int = N_SAMPLED, seed: int = 20261204) -> dict:
    """Random columns over every sampled parameter, the sides drawn independently."""
    rng = np.random.default_rng(seed)
    cols = {"subject.sex": rng.choice(np.array(["male", "female"], dtype=object), n)}
    for key, low, high in SAMPLED:
        for k in ([key] if key.startswith("subject.") else [f"left.{key}", f"right.{key}"]):
            v = rng.uniform(low, high, n)
            if key in OPTIONAL:
                v[rng.random(n) < 0.25] = np.nan
            cols[k] = v
    return cols


def _sha(theta):
    return hashlib.sha256(np.ascontiguousarray(theta).tobytes()).hexdigest()


@pytest.mark.parametrize("case", ["barefoot", "shod"])
def test_pack_is_byte_identical_to_the_packing_before_the_table(case):
    theta = pack(sample(), midsole=(100.0, 300.0) if case == "shod" else None)
    assert theta.shape == (N_SAMPLED, L.NP)
    assert _sha(theta) == PACK_SHA256[case]


def test_a_shod_model_differs_from_a_barefoot_one_only_in_its_contacts():
    cols = {k: v[:50] for k, v in sample().items()}
    bare, shod = pack(cols), pack(cols, midsole=(100.0, 300.0))
    changed = np.flatnonzero(np.any(bare != shod, axis=0))
    expect = []
    for off in L.SIDE_OFFSET:
        for c in range(L.NCONTACT):
            expect.append(off + L.S_CONTACT + L.NCF * c + L.CF_COMPLIANCE)
            expect.append(off + L.S_CUSHION_DAMPING + c)
    assert sorted(changed) == sorted(expect)
    b = L.SIDE_OFFSET[0] + L.S_CONTACT + L.CF_COMPLIANCE
    np.testing.assert_allclose(shod[:, b] - bare[:, b], 1.0 / 100e3, rtol=1e-9)


# --- no bare sub-offsets ---------------------------------------------------------------------

def _is_block_offset(name: str) -> bool:
    return name[:2] in ("G_", "S_") and name[2:3].isupper()


def _names(node):
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            yield n.id
        elif isinstance(n, ast.Attribute):
            yield n.attr


def _last_term(node):
    """The right-most term of a sum (``a + B + C`` -> ``C``)."""
    while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        node = node.right
    return node


def bare_suboffsets(source: str) -> list[str]:
    """Index expressions that add an integer to a block offset (or to a local holding one), or
    scale one by an integer.  A vector's component after a named part (``b + CF_NORMAL + 1``)
    and a slice's width (``x:x + 3``) are allowed."""
    bad = []
    tree = ast.parse(source)
    scopes = [[s for s in tree.body if not isinstance(s, (ast.FunctionDef, ast.ClassDef))]]
    scopes += [[n] for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    for scope in scopes:
        fn = ast.Module(body=scope, type_ignores=[])
        offsets = set()
        for n in ast.walk(fn):
            if isinstance(n, ast.Assign) and any(_is_block_offset(x) for x in _names(n.value)):
                offsets |= {t.id for t in n.targets if isinstance(t, ast.Name)}

        def holds_offset(node):
            return any(_is_block_offset(x) or x in offsets for x in _names(node))

        def check(index, line):
            if not holds_offset(index):
                return
            for n in ast.walk(index):
                if not isinstance(n, ast.BinOp):
                    continue
                const = [x for x in (n.left, n.right)
                         if isinstance(x, ast.Constant) and isinstance(x.value, int) and x.value]
                if not const:
                    continue
                if isinstance(n.op, ast.Mult):
                    bad.append(f"line {line}: {ast.unparse(n)}")
                elif isinstance(n.op, ast.Add) and holds_offset(n):
                    other = n.left if n.right is const[0] else n.right
                    term = _last_term(other)
                    name = (term.id if isinstance(term, ast.Name)
                            else term.attr if isinstance(term, ast.Attribute) else None)
                    if name is None or _is_block_offset(name) or name in offsets:
                        bad.append(f"line {line}: {ast.unparse(n)}")

        for n in ast.walk(fn):
            if not isinstance(n, ast.Subscript):
                continue
            parts = n.slice.elts if isinstance(n.slice, ast.Tuple) else [n.slice]
            for p in parts:
                if isinstance(p, ast.Slice):
                    if p.lower is not None:
                        check(p.lower, n.lineno)
                    up = p.upper
                    if up is not None and not (
                            isinstance(up, ast.BinOp) and isinstance(up.op, ast.Add)
                            and p.lower is not None
                            and ast.dump(up.left) == ast.dump(p.lower)):
                        check(up, n.lineno)
                else:
                    check(p, n.lineno)
    return sorted(set(bad))


def _sources():
    return sorted(p for p in PACKAGE.rglob("*.py") if "_generated" not in p.parts)


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_bare_suboffset_into_a_packed_block(path):
    bad = bare_suboffsets(path.read_text())
    assert not bad, (f"{path.relative_to(PACKAGE)} reads a packed block by a bare integer "
                     "(name the part in chainsim/symbolic/boundary.py):\n" + "\n".join(bad))


@pytest.mark.parametrize("source", [
    "x = s[b + 4]\nb = S_CONTACT + NCF * c",
    "def f(s):\n    b = S_CONTACT + NCF * c\n    return s[b + 4]",
    "y = s[S_FASCIA + 2]",
    "y = theta[:, L.S_ANCHOR + 9]",
    "y = s[S_ANCHOR + 6:S_ANCHOR + 9]",
    "y = s[S_DRIVE + 2 * j]",
    "def f(theta):\n    off = L.SIDE_OFFSET[0] + L.S_KIN\n    return theta[off + 1]",
])
def test_the_checker_catches_a_bare_suboffset(source):
    assert bare_suboffsets(source)


@pytest.mark.parametrize("source", [
    "y = s[b + CF_K]\nb = S_CONTACT + NCF * c",
    "y = s[S_FASCIA + FASCIA_RADIUS]",
    "y = s[S_CONTACT + NCF * c + CF_NORMAL + 2]",
    "y = s[S_ANCHOR + ANCHOR_LATERAL:S_ANCHOR + ANCHOR_LATERAL + 3]",
    "y = theta[:, L.S_MASS + i]",
    "y = s[S_DRIVE + NDRV * j + DRV_ANGLE]",
    "y = q[NB + 3]",
])
def test_the_checker_allows_named_parts(source):
    assert bare_suboffsets(source) == []


# --- the table's vocabularies ------------------------------------------------------------------

def test_every_named_output_slot_is_an_output_and_back():
    names = set()
    for key, _, _ in L.GLOBAL_OUTPUTS:
        names.add(key)
    for key, _, _ in L.SIDE_OUTPUTS:
        if key is not None:
            names |= {key.format(side=s) for s in ("left", "right")}
    assert names == set(OUTPUTS)
    columns = [o.index for o in OUTPUTS.values()]
    assert len(set(columns)) == len(columns) and max(columns) < L.NOUT


def test_the_statuses_come_from_the_table():
    assert tuple(STATUS[i] for i in sorted(STATUS)) == L.STATUS_NAMES
    assert set(STATUS_HELP) == set(L.STATUS_NAMES)
    assert SOLVED == ("ok", "slipping")
    assert (L.OK, L.SLIPPING) == L.SOLVED


def test_the_blocks_tile_theta():
    assert L.SIDE_OFFSET == (L.NG, L.NG + L.NS) and L.NP == L.NG + 2 * L.NS
    assert L.S_SHEAR + L.NSHEAR == L.NS
    assert L.G_LUMBAR_DAMPING + L.NLUM == L.NG
