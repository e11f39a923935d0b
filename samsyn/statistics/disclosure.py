"""Disclosure control: every published statistical figure passes through this module.

Statistics must never reveal an individual child. The rules, in the order they are applied:

Primary suppression
    A count ``n`` with ``1 <= n < threshold`` (default 5) is suppressed and shown as ``<5``.
    A true zero is published as ``0`` (SCB practice): a zero says that *no* child has the
    property, which is not a statement about any one child. (It can be a group statement —
    "every child at the school is in the other column" — which threshold rules do not protect
    against; do not tabulate a category together with its complement for small populations.)
    Because zeros are published, a reader knows that ``<5`` means 1–4; the audit uses that.

Secondary suppression
    Published totals would let a reader compute a suppressed cell by subtraction, so more
    cells are suppressed (shown as ``..``) until no suppressed figure can be worked out from
    the published figures of the same table. Zeros are never suppressed, so a reader knows
    that a ``..`` is at least ``threshold``; the audit uses that too.

Rates and shares
    A rate is published only if both its numerator and its denominator are published
    (:func:`protect_rate`).

Filters
    Queries are limited to whole months or terms (:class:`Period`) and predefined areas
    (:class:`Area`), so that two queries cannot be subtracted to isolate a child.

The table model
    A :class:`Table` has leaf rows × columns of counts, optionally grouped into a row
    hierarchy (municipality > district > school: a group row is the sum of its members),
    optionally a total column (each row's sum) and a total row (each column's sum, with the
    grand total). Every figure of the table — cell, group row, total — is the sum of a set
    of *leaf cells*; the leaf cells are the unknowns of the audit.

The algorithm (:func:`protect`)
    1. Primary suppression of every figure (cells *and* totals) in 1..threshold-1.
    2. Greedy secondary suppression: for each sum relation (a total and its parts) with
       exactly one suppressed figure, suppress the smallest non-zero published figure of
       that relation; repeat until stable.
    3. Exact audit (:func:`audit`); while it finds an exposed figure, suppress the smallest
       non-zero published figure of a relation that contains it (or, failing that, of any
       relation holding a suppressed figure) and go to 2.
    4. If every non-zero figure is suppressed and the audit still fails (e.g. four cells of
       ``<5`` whose total is ``<5``: each must be 1), the whole table is withheld: every
       figure, zeros included, is shown as ``..``.

What the audit guarantees (exact arithmetic over the rationals, no floating point)
    The reader's knowledge is modelled as: the published figures exactly, every suppressed
    figure's sum structure, ``<threshold`` figures lie in ``[1, threshold-1]``, ``..``
    figures lie in ``[threshold, ∞)`` (``[0, ∞)`` in a withheld table), and leaf cells are
    non-negative integers. The audit reports a suppressed figure as exposed if

    * *linear*: its value follows from the published figures alone — its linear form over
      the leaf cells lies in the span of the published figures' forms (Gaussian elimination
      over :class:`fractions.Fraction`); or
    * *bounds*: together with the bounds above, only one value is feasible. This is decided
      exactly by a small linear program over the cone of feasible directions at the true
      table (a figure can move iff some feasible direction changes it).

    The constraint matrix of a table whose rows form a hierarchy and whose columns are flat
    is the incidence matrix of the union of two laminar families of leaf sets (row-wise
    sums and column-wise sums), hence totally unimodular; with integer bounds the feasible
    region's vertices are integral, so "more than one real value is feasible" is the same as
    "more than one integer value is feasible". A figure that passes the audit can therefore
    be at least two different integers given everything that is published. We do not
    guarantee a wider protection interval, and we do not protect against combining
    *different* tables (publish months and their term in one table, with the term as the
    total column, to have them protected together).
"""

from __future__ import annotations

import calendar
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

DEFAULT_THRESHOLD = 5
MIN_THRESHOLD = 3  # "<2" would mean exactly 1: no protection at all.

SECONDARY_DISPLAY = ".."
UNDEFINED_DISPLAY = "."  # SCB: a figure that cannot occur (a rate with denominator 0).


class Reason(StrEnum):
    PRIMARY = "primary"  # 1..threshold-1
    SECONDARY = "secondary"  # suppressed so that a primary figure cannot be computed
    WITHHELD = "withheld"  # the whole table is withheld
    DERIVED = "derived"  # a rate whose numerator or denominator is suppressed


@dataclass(frozen=True)
class Cell:
    """One published figure. ``value`` is None whenever the figure is suppressed."""

    value: int | None
    suppressed: bool
    reason: Reason | None
    threshold: int = DEFAULT_THRESHOLD

    @property
    def display(self) -> str:
        if not self.suppressed:
            return str(self.value)
        if self.reason == Reason.PRIMARY:
            return f"<{self.threshold}"
        return SECONDARY_DISPLAY


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise TypeError("threshold must be an int")
    if threshold < MIN_THRESHOLD:
        raise ValueError(f"threshold must be at least {MIN_THRESHOLD}")


def _check_count(value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"counts must be ints, got {value!r}")
    if value < 0:
        raise ValueError(f"counts must be non-negative, got {value}")


def is_primary(value: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    return 0 < value < threshold


def protect_count(value: int, threshold: int = DEFAULT_THRESHOLD) -> Cell:
    """A stand-alone count (no totals alongside it): primary suppression only."""
    _check_threshold(threshold)
    _check_count(value)
    if is_primary(value, threshold):
        return Cell(None, True, Reason.PRIMARY, threshold)
    return Cell(value, False, None, threshold)


@dataclass(frozen=True)
class Rate:
    """A published rate or share; ``value`` is None when suppressed or undefined."""

    value: Decimal | None
    suppressed: bool
    reason: Reason | None

    @property
    def display(self) -> str:
        if self.suppressed:
            return SECONDARY_DISPLAY
        if self.value is None:
            return UNDEFINED_DISPLAY
        return str(self.value).replace(".", ",")


def protect_rate(
    numerator: Cell,
    denominator: Cell,
    *,
    per: int = 1,
    decimals: int = 3,
    share: bool = False,
) -> Rate:
    """``numerator / denominator × per`` rounded half-up, or suppressed if either part is.

    ``share=True`` asserts the numerator is a part of the denominator (at most it).
    A published denominator of 0 gives an undefined rate (shown as ``.``), not a suppression.
    """
    if numerator.suppressed or denominator.suppressed:
        return Rate(None, True, Reason.DERIVED)
    assert numerator.value is not None and denominator.value is not None
    if share and numerator.value > denominator.value:
        raise ValueError("a share's numerator cannot exceed its denominator")
    if denominator.value == 0:
        return Rate(None, False, None)
    exact = Fraction(numerator.value * per, denominator.value)
    return Rate(_round_fraction(exact, decimals), False, None)


def _round_fraction(value: Fraction, decimals: int) -> Decimal:
    """Half-up rounding of a non-negative fraction, exactly."""
    whole = math.floor(value * 10**decimals + Fraction(1, 2))
    return Decimal(whole).scaleb(-decimals)


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass
class Table:
    """Counts of leaf rows × columns, with optional totals and an optional row hierarchy.

    ``parents`` maps a row (a leaf label or a group label) to the label of its group; a group
    is any label that appears only as a parent. A group row is the sum of its members, e.g.
    ``{"School A": "District 1", "School B": "District 1", "District 1": "Municipality"}``.
    ``row_totals`` adds a total column (the sum of each row); ``column_totals`` adds a total
    row (the sum over the top-level rows of each column, and the grand total).
    """

    row_labels: Sequence[str]
    column_labels: Sequence[str]
    counts: Sequence[Sequence[int]]
    row_totals: bool = True
    column_totals: bool = True
    parents: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.row_labels or not self.column_labels:
            raise ValueError("a table needs at least one row and one column")
        if len(set(self.row_labels)) != len(self.row_labels):
            raise ValueError("row labels must be unique")
        if len(set(self.column_labels)) != len(self.column_labels):
            raise ValueError("column labels must be unique")
        if len(self.counts) != len(self.row_labels):
            raise ValueError("one row of counts per row label")
        for row in self.counts:
            if len(row) != len(self.column_labels):
                raise ValueError("one count per column label in every row")
            for value in row:
                _check_count(value)
        leaves = set(self.row_labels)
        for child, parent in self.parents.items():
            if parent in leaves:
                raise ValueError(f"a leaf row cannot be a group: {parent!r}")
            if child not in leaves and child not in self.parents.values():
                raise ValueError(f"unknown row in the hierarchy: {child!r}")
        for start in self.parents:
            seen = {start}
            node = start
            while node in self.parents:
                node = self.parents[node]
                if node in seen:
                    raise ValueError(f"the row hierarchy has a cycle through {node!r}")
                seen.add(node)

    @classmethod
    def from_counts(
        cls,
        labels: Sequence[str],
        counts: Sequence[int],
        *,
        column_label: str = "",
        total: bool = True,
        parents: Mapping[str, str] | None = None,
    ) -> Table:
        """A one-dimensional table: one count per label, with a total (the last row)."""
        return cls(
            row_labels=list(labels),
            column_labels=[column_label],
            counts=[[c] for c in counts],
            row_totals=False,
            column_totals=total,
            parents=dict(parents or {}),
        )


RowKind = Literal["leaf", "group", "total"]


@dataclass(frozen=True)
class ProtectedRow:
    label: str
    kind: RowKind
    level: int  # depth in the hierarchy; 0 for top-level rows and the total row
    cells: tuple[Cell, ...]
    total: Cell | None  # the row's total column, if the table has one


@dataclass(frozen=True)
class ProtectedTable:
    """What may be shown: rows in hierarchy order (groups before members), total row last."""

    column_labels: tuple[str, ...]
    rows: tuple[ProtectedRow, ...]
    threshold: int
    withheld: bool = False

    def row(self, label: str | None) -> ProtectedRow:
        """The row labelled ``label``; ``None`` is the total row."""
        for row in self.rows:
            if (label is None and row.kind == "total") or (
                label is not None and row.kind != "total" and row.label == label
            ):
                return row
        raise KeyError(label)

    def cell(self, row: str | None, column: str | None) -> Cell:
        """A figure; ``None`` as row is the total row, ``None`` as column the total column."""
        prow = self.row(row)
        if column is None:
            if prow.total is None:
                raise KeyError("the table has no total column")
            return prow.total
        return prow.cells[self.column_labels.index(column)]

    def figures(self) -> list[tuple[str | None, str | None, Cell]]:
        """Every figure as (row label or None for the total row, column or None, cell)."""
        out: list[tuple[str | None, str | None, Cell]] = []
        for prow in self.rows:
            label = None if prow.kind == "total" else prow.label
            for column, cell in zip(self.column_labels, prow.cells, strict=True):
                out.append((label, column, cell))
            if prow.total is not None:
                out.append((label, None, prow.total))
        return out


# Internal structure: every figure is an "entry" with a key and a set of leaf-cell ids.

_TOTAL = -1  # row or column index of a total


@dataclass(frozen=True)
class _Row:
    label: str
    kind: RowKind
    level: int
    leaves: tuple[int, ...]  # leaf row positions (in Table.row_labels order)
    members: tuple[int, ...]  # indices into _Structure.rows of direct members (groups/total)


@dataclass(frozen=True)
class _Structure:
    rows: tuple[_Row, ...]  # display order; the total row (if any) is last
    columns: tuple[int, ...]  # 0..m-1, plus _TOTAL if the table has row totals
    m: int
    column_labels: tuple[str, ...]
    keys: tuple[tuple[int, int], ...]  # entry keys (row index into rows, column)
    forms: tuple[frozenset[int], ...]  # leaf-cell ids (leaf_pos * m + column) per entry
    values: tuple[int, ...]
    relations: tuple[tuple[int, tuple[int, ...]], ...]  # (total entry, part entries)
    index: Mapping[tuple[int, int], int]  # key -> entry
    relations_of: tuple[tuple[int, ...], ...]  # entry -> relations it takes part in


def _structure(table: Table) -> _Structure:
    m = len(table.column_labels)
    leaf_pos = {label: i for i, label in enumerate(table.row_labels)}
    children: dict[str, list[str]] = {}
    for child, parent in table.parents.items():
        children.setdefault(parent, []).append(child)

    def leaves_under(label: str) -> list[int]:
        if label in leaf_pos:
            return [leaf_pos[label]]
        return [p for c in children[label] for p in leaves_under(c)]

    def first(label: str) -> int:
        return min(leaves_under(label))

    top = sorted(
        {lbl for lbl in [*table.row_labels, *children] if lbl not in table.parents}, key=first
    )
    rows: list[_Row] = []

    def visit(label: str, level: int) -> int:
        position = len(rows)
        rows.append(_Row(label, "leaf", level, (), ()))  # placeholder
        members = tuple(visit(c, level + 1) for c in sorted(children.get(label, []), key=first))
        kind: RowKind = "leaf" if label in leaf_pos else "group"
        rows[position] = _Row(label, kind, level, tuple(sorted(leaves_under(label))), members)
        return position

    top_positions = tuple(visit(label, 0) for label in top)
    if table.column_totals:
        rows.append(
            _Row(_("Total"), "total", 0, tuple(range(len(table.row_labels))), top_positions)
        )
    columns: tuple[int, ...] = tuple(range(m)) + ((_TOTAL,) if table.row_totals else ())

    keys: list[tuple[int, int]] = []
    forms: list[frozenset[int]] = []
    values: list[int] = []
    for r, row in enumerate(rows):
        for c in columns:
            cols = range(m) if c == _TOTAL else (c,)
            keys.append((r, c))
            forms.append(frozenset(leaf * m + col for leaf in row.leaves for col in cols))
            values.append(sum(table.counts[leaf][col] for leaf in row.leaves for col in cols))
    index = {key: i for i, key in enumerate(keys)}

    relations: list[tuple[int, tuple[int, ...]]] = []
    for r, row in enumerate(rows):
        if table.row_totals:
            relations.append((index[(r, _TOTAL)], tuple(index[(r, c)] for c in range(m))))
        for c in columns if row.members else ():
            relations.append((index[(r, c)], tuple(index[(p, c)] for p in row.members)))
    relations_of: list[list[int]] = [[] for _ in keys]
    for rel, (total, parts) in enumerate(relations):
        for e in (total, *parts):
            relations_of[e].append(rel)
    return _Structure(
        rows=tuple(rows),
        columns=columns,
        m=m,
        column_labels=tuple(table.column_labels),
        keys=tuple(keys),
        forms=tuple(forms),
        values=tuple(values),
        relations=tuple(relations),
        index=index,
        relations_of=tuple(tuple(x) for x in relations_of),
    )


def _build(
    table: Table, structure: _Structure, status: Sequence[Reason | None], threshold: int
) -> ProtectedTable:
    withheld = any(s == Reason.WITHHELD for s in status)
    out_rows: list[ProtectedRow] = []
    for r, row in enumerate(structure.rows):

        def cell(c: int, r: int = r) -> Cell:
            e = structure.index[(r, c)]
            reason = status[e]
            if reason is None:
                return Cell(structure.values[e], False, None, threshold)
            return Cell(None, True, reason, threshold)

        out_rows.append(
            ProtectedRow(
                label=row.label,
                kind=row.kind,
                level=row.level,
                cells=tuple(cell(c) for c in range(structure.m)),
                total=cell(_TOTAL) if table.row_totals else None,
            )
        )
    return ProtectedTable(tuple(table.column_labels), tuple(out_rows), threshold, withheld)


def suppress_primary(table: Table, threshold: int = DEFAULT_THRESHOLD) -> ProtectedTable:
    """Primary suppression only — *not* safe to publish with totals; for tests and audits."""
    _check_threshold(threshold)
    structure = _structure(table)
    status = [Reason.PRIMARY if is_primary(v, threshold) else None for v in structure.values]
    return _build(table, structure, status, threshold)


def _greedy(structure: _Structure, status: list[Reason | None]) -> None:
    """Suppress until no sum relation has exactly one suppressed figure."""
    changed = True
    while changed:
        changed = False
        for total, parts in structure.relations:
            members = (total, *parts)
            if sum(1 for e in members if status[e] is not None) != 1:
                continue
            choice = _smallest_published(structure, status, members)
            if choice is not None:
                status[choice] = Reason.SECONDARY
                changed = True


def _smallest_published(
    structure: _Structure, status: Sequence[Reason | None], entries: Iterable[int]
) -> int | None:
    """The best published non-zero figure among ``entries`` to suppress next, if any.

    Prefer figures that complete relations already holding a single suppressed figure and
    start few new ones (so that suppressions pair up in rectangles rather than cascade), then
    the smallest value, then inner cells over totals.
    """
    candidates = [e for e in entries if status[e] is None and structure.values[e] > 0]
    if not candidates:
        return None

    def cost(e: int) -> tuple[int, int, int, int]:
        balance = 0
        for rel in structure.relations_of[e]:
            total, parts = structure.relations[rel]
            count = sum(1 for x in (total, *parts) if status[x] is not None)
            balance += 1 if count == 0 else -1 if count == 1 else 0
        return (balance, structure.values[e], len(structure.forms[e]), e)

    return min(candidates, key=cost)


# protect() is a pure function of the table and the threshold, and its exact audit (rational
# arithmetic) costs tenths of a second for a table of 40 schools. A dashboard shows the same
# tables again and again until the data changes, so the last results are kept, keyed by
# everything the result depends on; a changed count is a different key. The results are
# immutable (frozen dataclasses, tuples), so they are shared.
_PROTECTED: OrderedDict[tuple[object, ...], ProtectedTable] = OrderedDict()
_PROTECTED_MAX = 512
_PROTECTED_LOCK = threading.Lock()


def _table_key(table: Table, threshold: int) -> tuple[object, ...]:
    return (
        tuple(table.row_labels),
        tuple(table.column_labels),
        tuple(tuple(int(v) for v in row) for row in table.counts),
        table.row_totals,
        table.column_totals,
        tuple(sorted(table.parents.items())),
        threshold,
    )


def protect(table: Table, threshold: int = DEFAULT_THRESHOLD) -> ProtectedTable:
    """Primary and secondary suppression, checked by :func:`audit` until nothing is exposed."""
    _check_threshold(threshold)
    key = _table_key(table, threshold)
    with _PROTECTED_LOCK:
        if key in _PROTECTED:
            _PROTECTED.move_to_end(key)
            return _PROTECTED[key]
    protected = _protect(table, threshold)
    with _PROTECTED_LOCK:
        _PROTECTED[key] = protected
        while len(_PROTECTED) > _PROTECTED_MAX:
            _PROTECTED.popitem(last=False)
    return protected


def _protect(table: Table, threshold: int) -> ProtectedTable:
    structure = _structure(table)
    status: list[Reason | None] = [
        Reason.PRIMARY if is_primary(v, threshold) else None for v in structure.values
    ]
    while True:
        _greedy(structure, status)
        exposed = _audit(structure, status, threshold)
        if not exposed:
            return _build(table, structure, status, threshold)
        exposed_entries = {structure.index[x.key] for x in exposed}
        choice = _smallest_published(
            structure,
            status,
            {
                e
                for total, parts in structure.relations
                if exposed_entries & {total, *parts}
                for e in (total, *parts)
            },
        )
        if choice is None:
            choice = _smallest_published(
                structure,
                status,
                {
                    e
                    for total, parts in structure.relations
                    if any(status[x] is not None for x in (total, *parts))
                    for e in (total, *parts)
                },
            )
        if choice is None:
            choice = _smallest_published(structure, status, range(len(status)))
        if choice is None:
            return _build(table, structure, [Reason.WITHHELD] * len(status), threshold)
        status[choice] = Reason.SECONDARY


# ---------------------------------------------------------------------------------------------
# The audit


@dataclass(frozen=True)
class Exposure:
    """A suppressed figure that a reader can compute. ``None`` row/column means a total."""

    row: str | None
    column: str | None
    value: int
    how: Literal["linear", "bounds"]
    key: tuple[int, int] = field(repr=False, compare=False)


def audit(table: Table, protected: ProtectedTable) -> list[Exposure]:
    """Every suppressed figure of ``protected`` that the published figures determine.

    ``table`` supplies the true counts; ``protected`` what a reader sees. An empty list
    means: each suppressed figure can be at least two different values (see the module
    docstring for the reader model).
    """
    structure = _structure(table)
    threshold = protected.threshold
    if tuple(protected.column_labels) != tuple(table.column_labels) or len(protected.rows) != len(
        structure.rows
    ):
        raise ValueError("the protected table does not match the table")
    status: list[Reason | None] = [None] * len(structure.keys)
    for r, (prow, row) in enumerate(zip(protected.rows, structure.rows, strict=True)):
        if (prow.label, prow.kind) != (row.label, row.kind):
            raise ValueError("the protected table does not match the table")
        pairs = list(enumerate(prow.cells))
        if prow.total is not None:
            pairs.append((_TOTAL, prow.total))
        for c, cell in pairs:
            e = structure.index[(r, c)]
            if cell.suppressed:
                status[e] = cell.reason or Reason.SECONDARY
            elif cell.value != structure.values[e]:
                raise ValueError("a published figure differs from the table")
    return _audit(structure, status, threshold)


def _domain(reason: Reason, threshold: int) -> tuple[int, int | None]:
    """What a reader knows about a suppressed figure from how it is shown."""
    if reason == Reason.PRIMARY:
        return 1, threshold - 1
    if reason == Reason.SECONDARY:
        return threshold, None
    return 0, None


_Vec = dict[int, Fraction]


class _Basis:
    """Incrementally reduced row echelon form of sparse rational rows (with a right side)."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple[_Vec, Fraction]] = {}  # pivot column -> (row, rhs)

    def reduce(self, vec: _Vec, rhs: Fraction) -> tuple[_Vec, Fraction]:
        vec = dict(vec)
        for col in [c for c in vec if c in self.rows]:
            coef = vec.get(col)
            if not coef:
                continue
            prow, prhs = self.rows[col]
            for k, v in prow.items():
                nv = vec.get(k, Fraction(0)) - coef * v
                if nv:
                    vec[k] = nv
                else:
                    vec.pop(k, None)
            rhs -= coef * prhs
        return vec, rhs

    def add(self, vec: _Vec, rhs: Fraction) -> bool:
        vec, rhs = self.reduce(vec, rhs)
        if not vec:
            return False
        pivot = min(vec)
        scale = vec[pivot]
        vec = {k: v / scale for k, v in vec.items()}
        rhs /= scale
        for col, (row, rrhs) in list(self.rows.items()):
            coef = row.get(pivot)
            if coef:
                new = dict(row)
                for k, v in vec.items():
                    nv = new.get(k, Fraction(0)) - coef * v
                    if nv:
                        new[k] = nv
                    else:
                        new.pop(k, None)
                self.rows[col] = (new, rrhs - coef * rhs)
        self.rows[pivot] = (vec, rhs)
        return True


def _audit(
    structure: _Structure, status: Sequence[Reason | None], threshold: int
) -> list[Exposure]:
    n_entries = len(structure.keys)
    # 1. The published figures as equations over the leaf cells.
    basis = _Basis()
    for e in range(n_entries):
        if status[e] is None:
            basis.add(
                {leaf: Fraction(1) for leaf in structure.forms[e]}, Fraction(structure.values[e])
            )
    # Leaf cells not fixed by the equations are the free parameters z; every suppressed
    # figure becomes an affine function a·z + c of them.
    suppressed = [e for e in range(n_entries) if status[e] is not None]
    affine: dict[int, _Vec] = {}
    exposures: list[Exposure] = []

    def exposure(e: int, how: Literal["linear", "bounds"]) -> Exposure:
        r, c = structure.keys[e]
        row = structure.rows[r]
        return Exposure(
            row=None if row.kind == "total" else row.label,
            column=None if c == _TOTAL else structure.column_labels[c],
            value=structure.values[e],
            how=how,
            key=structure.keys[e],
        )

    for e in suppressed:
        vec, _rhs = basis.reduce({leaf: Fraction(1) for leaf in structure.forms[e]}, Fraction(0))
        if not vec:
            exposures.append(exposure(e, "linear"))
        else:
            affine[e] = vec
    # 2. Bounds. At the true table z*, the figures sitting on a bound of their domain give
    # the cone of feasible directions C = {d : g·d >= 0 for each tight figure g} (a figure at
    # its upper bound enters negated). A figure a·z + c can take another value iff a·d != 0
    # for some d in C. With I the constraints that are 0 on all of C (implicit equalities),
    # C is full-dimensional in {d : g_I·d = 0}, so a·d vanishes on C iff a is in span(g_I).
    tight: list[_Vec] = []
    for e, vec in affine.items():
        reason = status[e]
        assert reason is not None
        low, high = _domain(reason, threshold)
        value = structure.values[e]
        if value == low:
            tight.append(vec)
        elif high is not None and value == high:
            tight.append({k: -v for k, v in vec.items()})
    if tight:
        implicit = _Basis()
        for vec in _implicit_equalities(tight):
            implicit.add(vec, Fraction(0))
        for e, vec in affine.items():
            rest, _rhs = implicit.reduce(vec, Fraction(0))
            if not rest:
                exposures.append(exposure(e, "bounds"))
    return sorted(exposures, key=lambda x: structure.index[x.key])


def _implicit_equalities(constraints: Sequence[_Vec]) -> list[_Vec]:
    """The constraints g with g·d = 0 for every d in the cone {d : g·d >= 0 for all g}.

    One linear program: maximise Σ t_i subject to t_i <= g_i·d, 0 <= t_i <= 1, d free.
    Summing a witness direction for every constraint that can be positive (and scaling)
    gives all of them t_i = 1 at once, so at an optimum exactly the implicit equalities
    have t_i < 1.
    """
    variables = sorted({k for vec in constraints for k in vec})
    pos = {k: i for i, k in enumerate(variables)}
    n, m = len(variables), len(constraints)
    # Columns: p (n), q (n) with d = p - q, then t (m); rows: t_i - g_i·p + g_i·q <= 0 and
    # t_i <= 1.
    rows: list[dict[int, Fraction]] = []
    rhs: list[Fraction] = []
    for i, vec in enumerate(constraints):
        row = {2 * n + i: Fraction(1)}
        for k, v in vec.items():
            row[pos[k]] = -v
            row[n + pos[k]] = v
        rows.append(row)
        rhs.append(Fraction(0))
    for i in range(m):
        rows.append({2 * n + i: Fraction(1)})
        rhs.append(Fraction(1))
    cost = {2 * n + i: Fraction(1) for i in range(m)}
    solution = _maximise(2 * n + m, cost, rows, rhs)
    return [vec for i, vec in enumerate(constraints) if solution.get(2 * n + i, 0) < 1]


def _maximise(
    width: int,
    cost: Mapping[int, Fraction],
    rows: Sequence[Mapping[int, Fraction]],
    rhs: Sequence[Fraction],
) -> dict[int, Fraction]:
    """An optimal y of max cost·y subject to rows·y <= rhs, y >= 0, where rhs >= 0.

    Exact sparse tableau simplex with Bland's rule (no cycling); the origin is feasible.
    The caller guarantees the objective is bounded.
    """
    m = len(rows)
    # Tableau rows as sparse dicts, slack of row i is column width + i; the rhs is kept apart.
    tableau: list[dict[int, Fraction]] = []
    for i, row in enumerate(rows):
        t = {j: v for j, v in row.items() if v}
        t[width + i] = Fraction(1)
        tableau.append(t)
    values = [Fraction(x) for x in rhs]
    basis = [width + i for i in range(m)]
    # Reduced costs (negated objective row) and the objective value.
    objective: dict[int, Fraction] = {j: -v for j, v in cost.items() if v}
    while True:
        entering = min((j for j, v in objective.items() if v < 0), default=None)
        if entering is None:
            break
        best: tuple[Fraction, int, int] | None = None
        for i in range(m):
            a = tableau[i].get(entering)
            if a is not None and a > 0:
                candidate = (values[i] / a, basis[i], i)
                if best is None or candidate < best:
                    best = candidate
        if best is None:
            raise ArithmeticError("unbounded linear program")
        leave = best[2]
        pivot = tableau[leave]
        pv = pivot[entering]
        if pv != 1:
            for j in pivot:
                pivot[j] /= pv
            values[leave] /= pv
        for i in range(m):
            if i == leave:
                continue
            f = tableau[i].get(entering)
            if f:
                _axpy(tableau[i], -f, pivot)
                values[i] -= f * values[leave]
        f = objective.get(entering)
        if f:
            _axpy(objective, -f, pivot)
        basis[leave] = entering
    return {basis[i]: values[i] for i in range(m) if basis[i] < width}


def _axpy(target: dict[int, Fraction], factor: Fraction, source: Mapping[int, Fraction]) -> None:
    """target += factor × source, dropping zeros."""
    for j, v in source.items():
        nv = target.get(j, Fraction(0)) + factor * v
        if nv:
            target[j] = nv
        else:
            target.pop(j, None)


# ---------------------------------------------------------------------------------------------
# Filters: periods and areas


_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_TERM_RE = re.compile(r"^(HT|VT)(\d{4})$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    """A whole month (``2026-03``) or term (``HT2026`` 1 Aug–31 Dec, ``VT2026`` 1 Jan–31 Jul)."""

    year: int
    kind: Literal["month", "term"]
    number: int  # month 1..12; term 1 = VT, 2 = HT

    def __post_init__(self) -> None:
        if not 1900 <= self.year <= 9999:
            raise PeriodError(_("The year must be between 1900 and 9999."))
        if self.kind == "month" and not 1 <= self.number <= 12:
            raise PeriodError(_("The month must be between 1 and 12."))
        if self.kind == "term" and self.number not in (1, 2):
            raise PeriodError(_("A term is HT or VT."))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year, "month", month)

    @classmethod
    def term(cls, code: Literal["HT", "VT"], year: int) -> Period:
        return cls(year, "term", 2 if code == "HT" else 1)

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-03`` or ``HT2026``/``VT2026``; anything else is refused."""
        value = text.strip().upper()
        if match := _MONTH_RE.match(value):
            return cls.month(int(match[1]), int(match[2]))
        if match := _TERM_RE.match(value):
            return cls.term("HT" if match[1] == "HT" else "VT", int(match[2]))
        raise PeriodError(
            _("%(text)s is not a period: give a month (2026-03) or a term (HT2026, VT2026).")
            % {"text": text}
        )

    @classmethod
    def from_dates(cls, start: date, end: date) -> Period:
        """The month or term that is exactly ``start``..``end`` (inclusive), else an error."""
        for candidate in (cls.month(start.year, start.month), cls.containing_term(start)):
            if (candidate.start, candidate.end) == (start, end):
                return candidate
        raise PeriodError(_("Statistics can only be filtered by whole months or terms."))

    @classmethod
    def containing_term(cls, day: date) -> Period:
        return cls.term("HT" if day.month >= 8 else "VT", day.year)

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.number:02d}"
        return f"{'HT' if self.number == 2 else 'VT'}{self.year}"

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        """A Swedish label: ``mars 2026``, ``hösttermin 2026``."""
        if self.kind == "month":
            return f"{MONTHS[self.number]} {self.year}"
        if self.number == 2:
            return _("autumn term %(year)s") % {"year": self.year}
        return _("spring term %(year)s") % {"year": self.year}

    @property
    def start(self) -> date:
        if self.kind == "month":
            return date(self.year, self.number, 1)
        return date(self.year, 8 if self.number == 2 else 1, 1)

    @property
    def end(self) -> date:
        if self.kind == "month":
            return date(self.year, self.number, calendar.monthrange(self.year, self.number)[1])
        return date(self.year, 12, 31) if self.number == 2 else date(self.year, 7, 31)

    def previous(self) -> Period:
        if self.kind == "month":
            if self.number == 1:
                return Period.month(self.year - 1, 12)
            return Period.month(self.year, self.number - 1)
        if self.number == 2:
            return Period.term("VT", self.year)
        return Period.term("HT", self.year - 1)

    def next(self) -> Period:
        if self.kind == "month":
            if self.number == 12:
                return Period.month(self.year + 1, 1)
            return Period.month(self.year, self.number + 1)
        if self.number == 1:
            return Period.term("HT", self.year)
        return Period.term("VT", self.year + 1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> list[Period]:
        """The whole months of this period (a month is its own only month)."""
        if self.kind == "month":
            return [self]
        first = self.start.month
        return [Period.month(self.year, m) for m in range(first, self.end.month + 1)]


class AreaKind(StrEnum):
    MUNICIPALITY = "municipality"
    DISTRICT = "district"
    SCHOOL = "school"


_AREA_ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class AreaError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Area:
    """A predefined area: ``municipality:1460``, ``district:3``, ``school:12345678``."""

    kind: AreaKind
    id: str

    def __post_init__(self) -> None:
        if not isinstance(self.kind, AreaKind):
            raise AreaError(_("Unknown kind of area."))
        if not _AREA_ID_RE.match(self.id):
            raise AreaError(_("Invalid area identifier."))

    @classmethod
    def parse(cls, text: str) -> Area:
        kind, sep, ident = text.strip().partition(":")
        if not sep:
            raise AreaError(
                _("%(text)s is not an area: give kind:id, e.g. municipality:1460.") % {"text": text}
            )
        try:
            area_kind = AreaKind(kind.strip().lower())
        except ValueError:
            raise AreaError(
                _("%(kind)s is not a kind of area (municipality, district, school).")
                % {"kind": kind}
            ) from None
        return cls(area_kind, ident.strip())

    @property
    def code(self) -> str:
        return f"{self.kind.value}:{self.id}"

    def __str__(self) -> str:
        return self.code


def validate_area(area: Area | str, allowed: Iterable[Area]) -> Area:
    """``area`` if it is one of the predefined ``allowed`` areas, else an :class:`AreaError`."""
    value = Area.parse(area) if isinstance(area, str) else area
    if value not in set(allowed):
        raise AreaError(_("Statistics can only be filtered by predefined areas."))
    return value
