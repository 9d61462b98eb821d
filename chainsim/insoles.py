"""Insole support profiles: a design per side, a catalogue of generic designs, TOML files.

An insole's fields are the ``left.insole.*`` / ``right.insole.*`` parameters (``chainsim
params`` lists them with units and ranges): an arch support that carries load once the arch
comes down to it, rearfoot and forefoot posts, a heel lift, a heel cup and a cushioning layer.

Examples
--------
>>> from chainsim import Model
>>> m = with_insoles(Model(), ["both=medium_arch"])
>>> m["left.insole.arch_support_mm"]
12.0
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import tomli_w

try:
    import tomllib
except ModuleNotFoundError:          # Python 3.10
    import tomli as tomllib

from .arguments import (check_choice, check_instance, check_mapping, check_text,
                        check_texts)
from .model import Model
from .params import INSOLE, SIDES, ParameterError

FIELDS = tuple(p.name for p in INSOLE)
_PARAMS = {p.name: p for p in INSOLE}


class Insole:
    """One insole design (frozen).

    Parameters
    ----------
    name : str
    description : str
    **values
        Any of :data:`FIELDS` (user units); the rest take their defaults (a flat, bare insole).
    """

    __slots__ = ("name", "description", "_values")

    def __init__(self, name: str = "custom", description: str = "", **values):
        check_text("name", name)
        check_text("description", description)
        unknown = set(values) - set(FIELDS)
        if unknown:
            raise ParameterError(f"unknown insole field(s) {sorted(unknown)}; valid: {', '.join(FIELDS)}")
        full = {}
        for f in FIELDS:
            full[f] = _PARAMS[f].check(f"insole.{f}", values.get(f, _PARAMS[f].default))
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "_values", full)

    def __getattr__(self, key):
        try:
            return object.__getattribute__(self, "_values")[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key, value):
        raise AttributeError("Insole is immutable; use replace()")

    def __eq__(self, other):
        return isinstance(other, Insole) and self._values == other._values

    def __hash__(self):
        return hash(tuple(self._values.values()))

    def _changed(self) -> dict:
        return {k: v for k, v in self._values.items() if v != _PARAMS[k].default}

    def __repr__(self):
        return f"Insole({self.name!r}, {self._changed()})"

    def _repr_html_(self):
        from .report import html_table

        return html_table(f"Insole {self.name}: {self.description}", ("field", "value", "unit"),
                          ((k, v, _PARAMS[k].unit) for k, v in self._changed().items()),
                          "every field: .values(); as a file: .to_toml()")

    def values(self) -> dict:
        """Field values in user units."""
        return dict(self._values)

    def replace(self, **values) -> Insole:
        """A copy with some fields changed."""
        name = values.pop("name", self.name)
        return Insole(name, values.pop("description", self.description), **(self._values | values))

    def params(self, side: str) -> dict:
        """Model parameters that put this insole under ``side`` (``left``, ``right``, ``both``)."""
        return {f"{side}.insole.{k}": v for k, v in self._values.items()}

    def to_toml(self) -> str:
        """TOML text of this insole (``None`` fields are left out)."""
        return tomli_w.dumps({"insole": {"name": self.name, "description": self.description,
                                         **{k: v for k, v in self._values.items() if v is not None}}})

    def save(self, path) -> None:
        """Write this insole to a TOML file (UTF-8)."""
        Path(path).write_text(self.to_toml(), encoding="utf-8")

    @classmethod
    def from_toml(cls, text: str, side: str | None = None, source: str | None = None) -> Insole:
        """Read an insole from TOML text: the table ``[insole]``, or ``[left]``/``[right]``
        (as :func:`chainsim.fitting.design_insole` writes them) for ``side``.

        Every refusal is a :class:`~chainsim.ParameterError` that names ``source`` (the file,
        when given) and the line: a TOML syntax error, a missing table, an unknown field, a
        value of the wrong type or out of its range.
        """
        where = f"insole file {source!r}" if source else "insole TOML"
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            line, col, msg = toml_error_position(e, text)
            raise ParameterError(f"{where}, line {line}, column {col}: TOML syntax error: "
                                 f"{msg}") from None
        key = "insole" if "insole" in data else side
        table = data.get(key) if key else None
        if table is None:
            raise ParameterError(f"{where}: an insole file needs an [insole] table"
                                 + (f" or a [{side}] table" if side else ""))
        if not isinstance(table, dict):
            raise ParameterError(f"{_at(where, _key_line(text, key))}: {key} must be a table "
                                 f"([{key}]), got {table!r}")
        d = dict(table)
        for k, v in d.items():
            at = _at(where, _key_line(text, k, key))
            if k in ("name", "description"):
                if not isinstance(v, str):
                    raise ParameterError(f"{at}: {k} must be a string, got {v!r}")
            elif k not in _PARAMS:
                raise ParameterError(f"{at}: unknown insole field {k!r}; valid: "
                                     f"name, description, {', '.join(FIELDS)}")
            else:
                try:
                    _PARAMS[k].check(f"insole.{k}", v)
                except ParameterError as e:
                    raise ParameterError(f"{at}: {e}") from None
        return cls(d.pop("name", "custom"), d.pop("description", ""), **d)

    @classmethod
    def load(cls, path, side: str | None = None) -> Insole:
        """Read an insole from a TOML file (see :meth:`from_toml`).

        Raises :class:`~chainsim.ParameterError` naming the file for a path that does not exist,
        is a directory or not a regular file, cannot be read, is not UTF-8 text, or holds a bad
        insole (with the line).
        """
        return cls.from_toml(read_text_file(path, "insole file"), side, source=str(path))


#: the largest input file read (an insole file is a few hundred bytes)
MAX_FILE_BYTES = 1 << 20


def read_text_file(path, what: str = "file") -> str:
    """The UTF-8 text of a small user-given file; every failure is a :class:`ParameterError`
    naming ``what`` and the path: missing, a directory or not a regular file, unreadable,
    larger than :data:`MAX_FILE_BYTES`, not UTF-8."""
    p = Path(path)
    try:
        if p.is_dir():
            raise ParameterError(f"{what} {str(p)!r} is a directory, not a file")
        if not p.exists():
            raise ParameterError(f"{what} {str(p)!r} does not exist")
        if not p.is_file():
            raise ParameterError(f"{what} {str(p)!r} is not a regular file")
        with open(p, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise ParameterError(f"{what} {str(p)!r} cannot be read: {e.strerror or e}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ParameterError(f"{what} {str(p)!r} is larger than {MAX_FILE_BYTES} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise ParameterError(f"{what} {str(p)!r}, line {line}: not UTF-8 text (byte "
                             f"0x{raw[e.start]:02x} at offset {e.start})") from None


def toml_error_position(e: tomllib.TOMLDecodeError, text: str) -> tuple[int, int, str]:
    """``(line, column, message)`` of a TOML syntax error; an error "at end of document" is
    placed after the document's last character (its last line)."""
    msg = str(e)
    line, col = getattr(e, "lineno", None), getattr(e, "colno", None)       # Python >= 3.14
    m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
    if m:
        line, col = line or int(m.group(1)), col or int(m.group(2))
        msg = msg[:m.start()]
    elif msg.endswith("(at end of document)"):
        msg = msg[:-len("(at end of document)")].rstrip()
    if line is None:
        lines = text.splitlines() or [""]
        line = len(lines) + (1 if text.endswith(("\n", "\r")) else 0)
        col = 1 if text.endswith(("\n", "\r")) else len(lines[-1]) + 1
    msg = getattr(e, "msg", msg)
    return line, col, msg


def _key_line(text: str, key: str, table: str | None = None) -> int | None:
    """The line where ``key`` (a table or a key, in ``table`` when given) is first written in
    TOML ``text``, else None."""
    start = 0
    if table:
        t = re.search(rf"^\s*\[\s*{re.escape(table)}\s*\]", text, re.M)
        start = t.end() if t else 0
    k = re.escape(key)
    m = re.compile(rf"^\s*(\[\s*{k}\s*\]|(?:{k}|\"{k}\"|'{k}')\s*=)", re.M).search(text, start)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _at(where: str, line: int | None) -> str:
    return where if line is None else f"{where}, line {line}"


#: A foam layer: EVA of about 3 MPa, 5 mm thick, about 10 cm^2 under each contact region:
#: k = E A / t = 600 N/mm; damping of the order of a lossy foam (assumptions, for comparison).
_FOAM = {"cushioning_stiffness_n_per_mm": 600.0, "cushioning_damping_ns_per_m": 300.0}
#: Arch supports: heights above the insole base for a generic adult foot, whose plantar arch
#: sits about 23 mm high unloaded (18 mm for a flat foot); a semi-rigid shell of 150 N/mm
#: (assumptions: the catalogue's heights span what is sold as low to extra-high support).
_SHELL = {"arch_support_stiffness_n_per_mm": 150.0}

CATALOGUE: dict[str, Insole] = {i.name: i for i in (
    Insole("flat_factory", "the flat foam liner shipped with a shoe: cushioning only", **_FOAM),
    Insole("low_arch", "semi-custom arch support, low profile (8 mm)", arch_support_mm=8.0,
           **_SHELL, **_FOAM),
    Insole("medium_arch", "semi-custom arch support, medium profile (12 mm)",
           arch_support_mm=12.0, **_SHELL, **_FOAM),
    Insole("high_arch", "semi-custom arch support, high profile (15 mm)", arch_support_mm=15.0,
           **_SHELL, **_FOAM),
    Insole("extra_high_arch", "semi-custom arch support, extra-high profile (18 mm)",
           arch_support_mm=18.0, **_SHELL, **_FOAM),
    Insole("motion_control", "medially posted: 5 deg varus rearfoot post, 2 deg forefoot post, "
           "medium arch (posts of 4-6 deg are typical; assumption)", arch_support_mm=12.0,
           rearfoot_post_deg=5.0, forefoot_post_deg=2.0, heel_cup=0.5, **_SHELL, **_FOAM),
    Insole("lateral_wedge", "full-length 5 deg lateral wedge for medial knee osteoarthritis "
           "(5 deg as in Hinman, Bowles & Bennell's study of lateral wedges)", rearfoot_post_deg=-5.0,
           forefoot_post_deg=-5.0, **_FOAM),
    Insole("heel_lift", "10 mm heel lift (an in-shoe lift for a short leg or a tight calf)",
           heel_lift_mm=10.0, heel_cup=0.3, **_FOAM),
)}


def get(name_or_path, side: str | None = None) -> Insole:
    """A catalogue insole by name, or an insole from a TOML file path (for ``side``)."""
    key = str(name_or_path)
    if key in CATALOGUE:
        return CATALOGUE[key]
    if key.endswith(".toml"):
        return Insole.load(key, side)
    raise ParameterError(f"unknown insole {key!r}; valid insoles: {', '.join(CATALOGUE)} "
                         "(or a .toml file)")


def with_insoles(model: Model, specs) -> Model:
    """Put insoles in: specs such as ``["both=medium_arch", "left=my_design.toml"]``.

    Parameters
    ----------
    model : Model
    specs : str, list of str, or mapping
        ``SIDE=NAME`` with ``SIDE`` left, right or both and ``NAME`` a catalogue insole or a
        ``.toml`` file; or a mapping ``{side: Insole}``.

    Returns
    -------
    Model

    Raises
    ------
    ParameterError
        For a malformed spec, an unknown insole or side, or an insole that does not fit.
    """
    check_instance("model", model, Model, "a chainsim.Model")
    if isinstance(specs, Mapping):
        pairs = list(check_mapping("specs", specs).items())
        for side, insole in pairs:
            check_choice("a side of specs", side, SIDES + ("both",))
            check_instance(f"specs[{side!r}]", insole, Insole,
                           "a chainsim.Insole (e.g. chainsim.INSOLES['medium_arch'])")
    else:
        pairs = []
        for spec in check_texts("specs", specs):
            side, eq, name = spec.partition("=")
            if not eq or side not in SIDES + ("both",):
                raise ParameterError(f"insole {spec!r}: expected SIDE=NAME with SIDE left, right "
                                     "or both, e.g. both=medium_arch")
            pairs += [(s, get(name, s), name) for s in (SIDES if side == "both" else (side,))]
    for side, insole, *name in pairs:
        try:
            model = model.replace(insole.params(side))
        except ParameterError as e:
            if not (name and name[0].endswith(".toml")):
                raise
            raise ParameterError(f"insole file {name[0]!r} under the {side} foot: {e}") from None
    return model


def listing() -> str:
    """One line per catalogue insole (for ``chainsim insoles``)."""
    return "\n".join(f"{i.name:18s} {i.description}" for i in CATALOGUE.values())
