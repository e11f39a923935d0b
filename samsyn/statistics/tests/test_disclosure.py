"""Disclosure control: primary and secondary suppression, rates, the audit, periods, areas.

The acceptance tests check protected tables with an implementation of the attack that is
independent of the module: the unknowns are the suppressed figures (cells *and* totals),
the equations are the table's sum relations with the published figures substituted, and a
figure x_i is determined iff e_i lies in the row space of that system (Gaussian elimination
over the rationals). Small tables are also attacked by exhaustive integer enumeration using
what the display tells a reader (``<5`` is 1–4, ``..`` is at least 5).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samsyn.statistics.disclosure import (
    Area,
    AreaError,
    AreaKind,
    Cell,
    Period,
    PeriodError,
    ProtectedRow,
    ProtectedTable,
    Reason,
    Table,
    audit,
    protect,
    protect_count,
    protect_rate,
    suppress_primary,
    validate_area,
)

# ---------------------------------------------------------------------------------------------
# An independent attacker


Key = tuple[int, int]  # (row position in the protected table, column; -1 = total column)


def _relations(protected: ProtectedTable) -> list[tuple[Key, list[Key]]]:
    """The sum relations, read off the protected table's layout (levels and totals)."""
    rows = protected.rows
    width = len(protected.column_labels)
    has_total = rows[0].total is not None
    columns = [*range(width), *([-1] if has_total else [])]
    relations: list[tuple[Key, list[Key]]] = []
    for r, row in enumerate(rows):
        if has_total:
            relations.append(((r, -1), [(r, c) for c in range(width)]))
        members: list[int] = []
        if row.kind == "total":
            members = [
                i for i, other in enumerate(rows) if other.kind != "total" and not other.level
            ]
        else:
            for i in range(r + 1, len(rows)):
                if rows[i].kind == "total" or rows[i].level <= row.level:
                    break
                if rows[i].level == row.level + 1:
                    members.append(i)
        if members:
            for c in columns:
                relations.append(((r, c), [(i, c) for i in members]))
    return relations


def _cell(protected: ProtectedTable, key: Key) -> Cell:
    row = protected.rows[key[0]]
    if key[1] == -1:
        assert row.total is not None
        return row.total
    return row.cells[key[1]]


def _echelon(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Reduced row echelon form as (pivot column, row) pairs."""
    reduced: list[tuple[int, list[Fraction]]] = []
    for original in rows:
        row = _reduce(reduced, original)
        pivot = next((j for j, x in enumerate(row) if x != 0), None)
        if pivot is None:
            continue
        row = [x / row[pivot] for x in row]
        reduced = [(p, [a - r[pivot] * b for a, b in zip(r, row, strict=True)]) for p, r in reduced]
        reduced.append((pivot, row))
    return reduced


def _reduce(reduced: list[tuple[int, list[Fraction]]], row: list[Fraction]) -> list[Fraction]:
    out = list(row)
    for pivot, prow in reduced:
        if out[pivot] != 0:
            f = out[pivot]
            out = [a - f * b for a, b in zip(out, prow, strict=True)]
    return out


def linearly_determined(protected: ProtectedTable) -> list[Key]:
    """The suppressed figures that the published figures and the sum relations determine."""
    relations = _relations(protected)
    unknowns = sorted(
        {key for total, parts in relations for key in (total, *parts)}
        | {
            (r, c)
            for r, row in enumerate(protected.rows)
            for c in range(len(protected.column_labels))
        },
        key=lambda k: (k[0], k[1] if k[1] >= 0 else 10**9),
    )
    unknowns = [k for k in unknowns if _cell(protected, k).suppressed]
    position = {k: i for i, k in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for total, parts in relations:
        row = [Fraction(0)] * len(unknowns)
        for key, sign in [(total, 1), *((p, -1) for p in parts)]:
            if key in position:
                row[position[key]] += sign
        if any(row):
            matrix.append(row)
    echelon = _echelon(matrix)
    determined = []
    for key, i in position.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[i] = Fraction(1)
        if not any(_reduce(echelon, unit)):  # e_i lies in the row space
            determined.append(key)
    return determined


def integer_determined(table: Table, protected: ProtectedTable) -> list[Key]:
    """Exhaustive integer attack on a small table: which suppressed figures have one value?

    Enumerates the suppressed leaf cells over what a reader knows of them (``<t`` is
    1..t-1, ``..`` is t or more — up to a generous cap — and 0 or more in a withheld table),
    keeps the assignments under which every figure agrees with the table as displayed, and
    returns the suppressed figures that take a single value over all of them.
    """
    t = protected.threshold
    relations = _relations(protected)
    leaf_rows = [r for r, row in enumerate(protected.rows) if row.kind == "leaf"]
    width = len(protected.column_labels)
    leaves = [(r, c) for r in leaf_rows for c in range(width)]
    # Every figure as a set of leaf cells.
    forms: dict[Key, set[Key]] = {leaf: {leaf} for leaf in leaves}
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            if total not in forms and all(p in forms for p in parts):
                forms[total] = set().union(*(forms[p] for p in parts))
                changed = True
    truth = {
        leaf: table.counts[table.row_labels.index(protected.rows[leaf[0]].label)][leaf[1]]
        for leaf in leaves
    }
    cap = max(truth.values()) + t + 3

    def domain(cell: Cell) -> tuple[int, int]:
        if cell.reason == Reason.PRIMARY:
            return 1, t - 1
        if cell.reason == Reason.SECONDARY:
            return t, 10**9
        return 0, 10**9

    unknown = [leaf for leaf in leaves if _cell(protected, leaf).suppressed]
    order = {leaf: i for i, leaf in enumerate(unknown)}
    checks = list(forms.items())
    # Each check is complete once the last of its unknown leaves is assigned.
    closing: list[list[tuple[Key, set[Key]]]] = [[] for _ in unknown]
    for key, form in checks:
        inside = [order[leaf] for leaf in form if leaf in order]
        if inside:
            closing[max(inside)].append((key, form))
        else:
            assert _fits(protected, key, sum(truth[leaf] for leaf in form), domain)
    seen: dict[Key, set[int]] = {
        key: set() for key, _ in checks if _cell(protected, key).suppressed
    }
    assignment = dict(truth)

    def search(i: int) -> None:
        if i == len(unknown):
            for key in seen:
                seen[key].add(sum(assignment[leaf] for leaf in forms[key]))
            return
        leaf = unknown[i]
        low, high = domain(_cell(protected, leaf))
        candidates: range | list[int] = range(low, min(high, cap) + 1)
        for key, form in closing[i]:
            cell = _cell(protected, key)
            if not cell.suppressed:
                assert cell.value is not None
                rest = sum(assignment[x] for x in form if x != leaf)
                candidates = [cell.value - rest] if low <= cell.value - rest <= high else []
                break
        for value in candidates:
            assignment[leaf] = value
            if all(
                _fits(protected, key, sum(assignment[x] for x in form), domain)
                for key, form in closing[i]
            ):
                search(i + 1)
        assignment[leaf] = truth[leaf]

    search(0)
    assert all(seen[key] for key in seen), "the true table must be feasible"
    return sorted(key for key, values in seen.items() if len(values) == 1)


def _fits(
    protected: ProtectedTable,
    key: Key,
    value: int,
    domain: Callable[[Cell], tuple[int, int]],
) -> bool:
    cell = _cell(protected, key)
    if cell.suppressed:
        low, high = domain(cell)
        return low <= value <= high
    return value == cell.value


def assert_safe(table: Table, protected: ProtectedTable) -> None:
    assert linearly_determined(protected) == []
    assert audit(table, protected) == []
    figures = protected.figures()
    for _row, _column, cell in figures:
        if cell.suppressed:
            assert cell.value is None
            assert cell.display in ("<5", "..") or cell.display == f"<{protected.threshold}"
        else:
            assert cell.value is not None
            assert cell.value == 0 or cell.value >= protected.threshold


def suppressed_keys(protected: ProtectedTable) -> set[tuple[str | None, str | None]]:
    return {(row, column) for row, column, cell in protected.figures() if cell.suppressed}


# ---------------------------------------------------------------------------------------------
# Primary suppression and single counts


@pytest.mark.parametrize(
    ("value", "display", "suppressed"),
    [(0, "0", False), (1, "<5", True), (4, "<5", True), (5, "5", False), (123, "123", False)],
)
def test_protect_count__threshold_5(value: int, display: str, suppressed: bool) -> None:
    cell = protect_count(value)
    assert cell.display == display
    assert cell.suppressed is suppressed
    assert cell.value == (None if suppressed else value)
    assert cell.reason == (Reason.PRIMARY if suppressed else None)


def test_protect_count__configurable_threshold() -> None:
    assert protect_count(9, threshold=10).display == "<10"
    assert protect_count(10, threshold=10).display == "10"
    assert protect_count(2, threshold=3).display == "<3"
    assert protect_count(3, threshold=3).display == "3"


@pytest.mark.parametrize("threshold", [0, 1, 2])
def test_protect_count__threshold_below_3__refused(threshold: int) -> None:
    with pytest.raises(ValueError):
        protect_count(1, threshold=threshold)


@pytest.mark.parametrize("value", [-1, True, 1.5])
def test_protect_count__not_a_count__refused(value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        protect_count(value)  # type: ignore[arg-type]


def test_table__primary_suppression_of_cells_and_totals() -> None:
    table = Table(["a", "b"], ["x", "y"], [[0, 3], [0, 20]])
    protected = suppress_primary(table)
    assert protected.cell("a", "x").display == "0"
    assert protected.cell("a", "y").display == "<5"
    assert protected.cell("a", None).display == "<5"  # a total of 3 is itself suppressed
    assert protected.cell(None, "x").display == "0"
    assert protected.cell(None, None).display == "23"


# ---------------------------------------------------------------------------------------------
# Rates


def test_protect_rate__published_parts__rounded_half_up_with_decimal_comma() -> None:
    rate = protect_rate(protect_count(35), protect_count(1821), per=1000, decimals=1)
    assert rate.value == Decimal("19.2")
    assert rate.display == "19,2"
    assert protect_rate(protect_count(5), protect_count(8)).value == Decimal("0.625")
    assert protect_rate(protect_count(5), protect_count(8), decimals=2).value == Decimal("0.63")


def test_protect_rate__suppressed_numerator__suppressed() -> None:
    rate = protect_rate(protect_count(3), protect_count(200))
    assert rate.suppressed and rate.value is None
    assert rate.reason == Reason.DERIVED
    assert rate.display == ".."


def test_protect_rate__suppressed_denominator__suppressed() -> None:
    rate = protect_rate(protect_count(0), protect_count(4), share=True)
    assert rate.suppressed and rate.value is None


def test_protect_rate__secondary_suppressed_part__suppressed() -> None:
    table = Table.from_counts(["a", "b", "c"], [3, 10, 12])
    protected = protect(table)
    rate = protect_rate(protected.cell("b", ""), protected.cell(None, ""), share=True)
    assert rate.suppressed


def test_protect_rate__zero_denominator__undefined_not_suppressed() -> None:
    rate = protect_rate(protect_count(0), protect_count(0))
    assert not rate.suppressed and rate.value is None
    assert rate.display == "."


def test_protect_rate__share_above_one__refused() -> None:
    with pytest.raises(ValueError):
        protect_rate(protect_count(10), protect_count(6), share=True)


# ---------------------------------------------------------------------------------------------
# The audit


def test_audit__unprotected_table_with_one_small_cell__exposed() -> None:
    table = Table(["a", "b"], ["x", "y"], [[3, 10], [8, 9]])
    exposures = audit(table, suppress_primary(table))
    assert [(e.row, e.column, e.value, e.how) for e in exposures] == [("a", "x", 3, "linear")]
    assert linearly_determined(suppress_primary(table)) == [(0, 0)]


def test_audit__one_dimensional_unprotected__exposed() -> None:
    table = Table.from_counts(["a", "b", "c"], [2, 7, 9])
    assert [(e.row, e.value) for e in audit(table, suppress_primary(table))] == [("a", 2)]


def test_audit__bounds__four_ones_and_their_sum__exposed() -> None:
    # x1 + … + x4 = 24 - 20 = 4 with every x >= 1: each is 1, though no single one is
    # linearly determined.
    table = Table.from_counts(["a", "b", "c", "d", "e"], [1, 1, 1, 1, 20])
    exposures = audit(table, suppress_primary(table))
    assert [(e.row, e.how) for e in exposures] == [(x, "bounds") for x in "abcd"]
    assert linearly_determined(suppress_primary(table)) == []


def test_audit__bounds__two_fours__exposed() -> None:
    table = Table.from_counts(["a", "b", "c"], [4, 4, 10])  # x1 + x2 = 8, each <= 4
    assert [(e.row, e.value) for e in audit(table, suppress_primary(table))] == [
        ("a", 4),
        ("b", 4),
    ]


def test_audit__mismatching_tables__refused() -> None:
    table = Table.from_counts(["a", "b"], [7, 9])
    other = Table.from_counts(["a", "b"], [7, 10])
    with pytest.raises(ValueError):
        audit(other, protect(table))


# ---------------------------------------------------------------------------------------------
# Secondary suppression on adversarial tables


def test_protect__one_dimensional__smallest_other_cell_suppressed() -> None:
    table = Table.from_counts(["a", "b", "c"], [3, 10, 12])
    protected = protect(table)
    assert suppressed_keys(protected) == {("a", ""), ("b", "")}
    assert protected.cell("a", "").display == "<5"
    assert protected.cell("b", "").display == ".."
    assert protected.cell("b", "").reason == Reason.SECONDARY
    assert protected.cell(None, "").display == "25"
    assert_safe(table, protected)


def test_protect__row_with_a_single_small_cell__rectangle() -> None:
    table = Table(["a", "b", "c"], ["x", "y", "z"], [[3, 10, 12], [8, 9, 20], [15, 7, 6]])
    protected = protect(table)
    assert suppressed_keys(protected) == {("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")}
    for row in ("a", "b", "c", None):
        assert not protected.cell(row, None).suppressed  # every margin is published
    assert_safe(table, protected)


def test_protect__2x2_with_one_small_cell__all_inner_cells_suppressed() -> None:
    table = Table(["a", "b"], ["x", "y"], [[2, 8], [6, 9]])
    protected = protect(table)
    assert suppressed_keys(protected) == {("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")}
    assert [protected.cell(r, None).value for r in ("a", "b", None)] == [10, 15, 25]
    assert_safe(table, protected)


def test_protect__zeros_are_published_and_never_suppressed() -> None:
    table = Table(["a", "b", "c"], ["x", "y"], [[2, 0], [0, 9], [6, 7]])
    protected = protect(table)
    assert protected.cell("a", "y").display == "0"
    assert protected.cell("b", "x").display == "0"
    assert protected.cell("a", None).display == "<5"
    assert_safe(table, protected)


def test_protect__small_cell_whose_row_is_otherwise_zero() -> None:
    table = Table.from_counts(["a", "b", "c"], [3, 0, 0])
    protected = protect(table)
    assert [c.display for _r, _c, c in protected.figures()] == ["<5", "0", "0", "<5"]
    assert_safe(table, protected)


def test_protect__bounds_exposure_repaired() -> None:
    table = Table.from_counts(["a", "b", "c", "d", "e"], [1, 1, 1, 1, 20])
    protected = protect(table)
    assert protected.cell("e", "").display == ".."
    assert not protected.withheld
    assert_safe(table, protected)
    assert integer_determined(table, protected) == []


def test_protect__unrepairable__whole_table_withheld() -> None:
    # Four "<5" summing to a "<5" must all be 1; suppression alone cannot hide that.
    table = Table.from_counts(["a", "b", "c", "d", "e"], [1, 1, 1, 1, 0])
    protected = protect(table)
    assert protected.withheld
    assert {c.display for _r, _c, c in protected.figures()} == {".."}
    assert {c.reason for _r, _c, c in protected.figures()} == {Reason.WITHHELD}
    assert audit(table, protected) == []
    assert integer_determined(table, protected) == []


def test_protect__total_column_only() -> None:
    table = Table(
        ["a", "b"], ["x", "y", "z"], [[3, 9, 8], [7, 6, 12]], row_totals=True, column_totals=False
    )
    protected = protect(table)
    assert len(protected.rows) == 2
    assert_safe(table, protected)


def test_protect__no_totals__primary_only() -> None:
    table = Table(["a", "b"], ["x", "y"], [[3, 9], [7, 6]], row_totals=False, column_totals=False)
    assert suppressed_keys(protect(table)) == {("a", "x")}


SCHOOLS = ["Skola 1", "Skola 2", "Skola 3", "Skola 4", "Skola 5"]
AREAS = {
    "Skola 1": "Norra",
    "Skola 2": "Norra",
    "Skola 3": "Södra",
    "Skola 4": "Södra",
    "Skola 5": "Västra",
    "Norra": "Kommunen",
    "Södra": "Kommunen",
    "Västra": "Kommunen",
}


def hierarchical_table() -> Table:
    return Table(
        SCHOOLS,
        ["Flickor", "Pojkar"],
        [[2, 6], [7, 8], [9, 10], [3, 12], [6, 6]],
        parents=AREAS,
    )


def test_protect__hierarchy__rows_in_order_with_group_sums() -> None:
    protected = protect(hierarchical_table())
    assert [(r.label, r.kind, r.level) for r in protected.rows] == [
        ("Kommunen", "group", 0),
        ("Norra", "group", 1),
        ("Skola 1", "leaf", 2),
        ("Skola 2", "leaf", 2),
        ("Södra", "group", 1),
        ("Skola 3", "leaf", 2),
        ("Skola 4", "leaf", 2),
        ("Västra", "group", 1),
        ("Skola 5", "leaf", 2),
        (protected.rows[-1].label, "total", 0),
    ]
    assert protected.cell("Norra", "Flickor").value == 9
    assert protected.cell("Kommunen", None).value == 69


def test_protect__hierarchy__district_sums_do_not_reveal_a_school() -> None:
    table = hierarchical_table()
    exposed = {(e.row, e.column) for e in audit(table, suppress_primary(table))}
    assert exposed == {("Skola 1", "Flickor"), ("Skola 4", "Flickor")}
    protected = protect(table)
    assert_safe(table, protected)
    # Protection stays within each district: the districts themselves are published.
    for district in ("Norra", "Södra", "Västra"):
        assert not protected.cell(district, "Flickor").suppressed


def test_protect__hierarchy__district_of_one_small_school__district_suppressed_too() -> None:
    table = Table(
        ["A1", "A2", "B1"],
        ["n"],
        [[10], [12], [3]],
        row_totals=False,
        parents={"A1": "A", "A2": "A", "B1": "B"},
    )
    protected = protect(table)
    assert protected.cell("B", "n").suppressed  # B equals its only school
    assert protected.cell("B1", "n").display == "<5"
    assert_safe(table, protected)
    assert integer_determined(table, protected) == []


def test_protect__hierarchy__small_district_total() -> None:
    table = Table(
        ["A1", "A2", "B1", "B2"],
        ["x", "y"],
        [[1, 0], [2, 0], [8, 9], [7, 11]],
        parents={"A1": "A", "A2": "A", "B1": "B", "B2": "B"},
    )
    protected = protect(table)
    assert protected.cell("A", "x").display == "<5"
    assert_safe(table, protected)
    assert integer_determined(table, protected) == []


def test_table__invalid__refused() -> None:
    with pytest.raises(ValueError):
        Table(["a", "a"], ["x"], [[1], [2]])
    with pytest.raises(ValueError):
        Table(["a"], ["x", "y"], [[1]])
    with pytest.raises(ValueError):
        Table(["a"], ["x"], [[-1]])
    with pytest.raises(ValueError):
        Table(["a", "b"], ["x"], [[1], [2]], parents={"a": "b"})  # a leaf cannot be a group
    with pytest.raises(ValueError):
        Table(["a"], ["x"], [[1]], parents={"a": "G", "G": "H", "H": "G"})


# ---------------------------------------------------------------------------------------------
# Acceptance: representative tables are safe against the independent attacks


REPRESENTATIVE = {
    "one-dimensional": Table.from_counts(
        ["Bengtsfors", "Dals-Ed", "Färgelanda", "Mellerud", "Åmål"], [12, 3, 0, 9, 25]
    ),
    "two-dimensional": Table(
        ["Förskola", "F-3", "4-6", "7-9", "Gymnasiet"],
        ["Närvaro", "Trygghet", "Hälsa", "Familj"],
        [[1, 0, 4, 7], [6, 2, 9, 12], [14, 5, 1, 8], [22, 3, 7, 2], [9, 11, 0, 6]],
    ),
    "hierarchical": hierarchical_table(),
    "hierarchical many small": Table(
        ["S1", "S2", "S3", "S4", "S5", "S6", "S7"],
        ["VT", "HT"],
        [[1, 2], [0, 6], [3, 1], [8, 4], [2, 2], [12, 0], [1, 9]],
        parents={
            "S1": "D1",
            "S2": "D1",
            "S3": "D1",
            "S4": "D2",
            "S5": "D2",
            "S6": "D3",
            "S7": "D3",
            "D1": "K",
            "D2": "K",
            "D3": "K",
        },
    ),
}


@pytest.mark.parametrize("name", REPRESENTATIVE)
def test_acceptance__representative_tables__no_suppressed_figure_determined(name: str) -> None:
    table = REPRESENTATIVE[name]
    unprotected = suppress_primary(table)
    assert linearly_determined(unprotected) or audit(table, unprotected)  # the attack works
    protected = protect(table)
    assert_safe(table, protected)
    for r, row in enumerate(protected.rows):  # every primary figure stays suppressed
        for c, cell in enumerate(unprotected.rows[r].cells):
            if cell.suppressed:
                assert row.cells[c].suppressed


@pytest.mark.parametrize("name", ["one-dimensional", "hierarchical"])
def test_acceptance__small_tables__no_suppressed_figure_has_one_integer_value(name: str) -> None:
    table = REPRESENTATIVE[name]
    assert integer_determined(table, protect(table)) == []


COUNTS = st.sampled_from([0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20])


@st.composite
def tables(draw: st.DrawFn, max_rows: int = 5, max_columns: int = 4) -> Table:
    n_rows = draw(st.integers(1, max_rows))
    n_cols = draw(st.integers(1, max_columns))
    counts = [[draw(COUNTS) for _ in range(n_cols)] for _ in range(n_rows)]
    labels = [f"r{i}" for i in range(n_rows)]
    parents: dict[str, str] = {}
    if n_rows > 1 and draw(st.booleans()):
        # Consecutive leaves into groups, optionally under one root.
        cut = sorted(draw(st.sets(st.integers(1, n_rows - 1), max_size=n_rows - 1)))
        bounds = [0, *cut, n_rows]
        for g, (lo, hi) in enumerate(itertools.pairwise(bounds)):
            for i in range(lo, hi):
                parents[labels[i]] = f"g{g}"
            if draw(st.booleans()):
                parents[f"g{g}"] = "root"
    return Table(
        labels,
        [f"c{j}" for j in range(n_cols)],
        counts,
        row_totals=n_cols > 1 and draw(st.booleans()),
        column_totals=draw(st.booleans()) or not parents,
        parents=parents,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(max_rows=8, max_columns=5))
def test_acceptance__random_tables__no_suppressed_figure_determined(table: Table) -> None:
    protected = protect(table)
    assert_safe(table, protected)
    for row, column, cell in suppress_primary(table).figures():
        if cell.suppressed:
            assert protected.cell(row, column).suppressed
        if cell.value == 0 and not protected.withheld:
            assert not protected.cell(row, column).suppressed


def _leaf_suppressions(table: Table, protected: ProtectedTable) -> int:
    return sum(
        1 for row in protected.rows if row.kind == "leaf" for cell in row.cells if cell.suppressed
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(max_rows=3, max_columns=3))
def test_acceptance__random_small_tables__no_suppressed_figure_has_one_integer_value(
    table: Table,
) -> None:
    protected = protect(table)
    if _leaf_suppressions(table, protected) <= 5:
        assert integer_determined(table, protected) == []


@st.composite
def suppression_patterns(draw: st.DrawFn) -> tuple[Table, ProtectedTable]:
    """A small table with its primary suppressions and a random set of secondary ones."""
    table = draw(tables(max_rows=3, max_columns=3))
    base = suppress_primary(table)
    rows = []
    for row in base.rows:

        def maybe(cell: Cell) -> Cell:
            if cell.suppressed or not cell.value or not draw(st.booleans()):
                return cell
            return Cell(None, True, Reason.SECONDARY, cell.threshold)

        cells = tuple(maybe(c) for c in row.cells)
        total = maybe(row.total) if row.total is not None else None
        rows.append(ProtectedRow(row.label, row.kind, row.level, cells, total))
    return table, dataclasses.replace(base, rows=tuple(rows))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suppression_patterns())
def test_audit__agrees_with_exhaustive_integer_attack(
    pattern: tuple[Table, ProtectedTable],
) -> None:
    table, protected = pattern
    if _leaf_suppressions(table, protected) > 5:
        return
    by_audit = {e.key for e in audit(table, protected)}
    assert by_audit == set(integer_determined(table, protected))
    linear = {e.key for e in audit(table, protected) if e.how == "linear"}
    assert linear == set(linearly_determined(protected))


# ---------------------------------------------------------------------------------------------
# Periods and areas


def test_period__month() -> None:
    period = Period.parse("2026-03")
    assert (period.start, period.end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert period.code == str(period) == "2026-03"
    assert period.previous() == Period.parse("2026-02")
    assert Period.parse("2026-01").previous() == Period.parse("2025-12")
    assert Period.parse("2025-12").next() == Period.parse("2026-01")
    assert Period.parse("2024-02").end == date(2024, 2, 29)
    assert "2026" in period.label


def test_period__terms() -> None:
    autumn = Period.parse("HT2026")
    assert (autumn.start, autumn.end) == (date(2026, 8, 1), date(2026, 12, 31))
    spring = Period.parse("vt2026")
    assert (spring.start, spring.end) == (date(2026, 1, 1), date(2026, 7, 31))
    assert autumn.previous() == spring
    assert spring.previous() == Period.parse("HT2025")
    assert spring.next() == autumn
    assert [m.code for m in autumn.months()] == [f"2026-{m:02d}" for m in range(8, 13)]
    assert len(spring.months()) == 7
    assert autumn.code == "HT2026"
    assert spring.contains(date(2026, 7, 31)) and not spring.contains(date(2026, 8, 1))
    assert Period.containing_term(date(2026, 8, 1)) == autumn


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "2026-3", "26-03", "HT26", "HT 2026", "Q1-2026", "", "2026"]
)
def test_period__anything_but_whole_months_or_terms__refused(text: str) -> None:
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_period__from_dates__only_whole_months_or_terms() -> None:
    assert Period.from_dates(date(2026, 3, 1), date(2026, 3, 31)) == Period.parse("2026-03")
    assert Period.from_dates(date(2026, 8, 1), date(2026, 12, 31)) == Period.parse("HT2026")
    assert Period.from_dates(date(2026, 1, 1), date(2026, 7, 31)) == Period.parse("VT2026")
    with pytest.raises(PeriodError):
        Period.from_dates(date(2026, 3, 1), date(2026, 3, 30))
    with pytest.raises(PeriodError):
        Period.from_dates(date(2026, 3, 2), date(2026, 3, 31))


def test_area__parse_and_validate() -> None:
    area = Area.parse("municipality:1460")
    assert area == Area(AreaKind.MUNICIPALITY, "1460")
    assert str(area) == "municipality:1460"
    allowed = [area, Area(AreaKind.DISTRICT, "3"), Area(AreaKind.SCHOOL, "12345678")]
    assert validate_area("district:3", allowed) == Area(AreaKind.DISTRICT, "3")
    with pytest.raises(AreaError):
        validate_area("district:4", allowed)
    for text in ["1460", "county:14", "school:", "school:12 34", "school:a:b"]:
        with pytest.raises(AreaError):
            Area.parse(text)


def test_protect__an_equal_table_is_not_audited_again_a_changed_one_is(monkeypatch) -> None:
    from samsyn.statistics import disclosure

    calls: list[Table] = []
    real = disclosure._protect

    def counting(table: Table, threshold: int) -> ProtectedTable:
        calls.append(table)
        return real(table, threshold)

    monkeypatch.setattr(disclosure, "_protect", counting)
    monkeypatch.setattr(disclosure, "_PROTECTED", disclosure.OrderedDict())

    def table(corner: int) -> Table:
        return Table(["Skola A", "Skola B"], ["< 5 %", "≥ 5 %"], [[corner, 12], [7, 8]])

    first = protect(table(2))
    again = protect(table(2))  # an equal table, built anew (the next request)
    assert again == first and len(calls) == 1
    changed = protect(table(9))
    assert len(calls) == 2
    assert changed.cell("Skola A", "< 5 %").value == 9
    assert first.cell("Skola A", "< 5 %").suppressed
