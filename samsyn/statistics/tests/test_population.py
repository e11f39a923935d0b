"""Population context and the seed's figures on reports of concern (seed 002, §2.4–2.5)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from samsyn.statistics.population import (
    AgeBand,
    PopulationFileError,
    concern_rates,
    parse_population_csv,
)

# §2.4: inhabitants 2021, children 0–19 and the dependency ratio as published.
# §2.5: reports of concern per month January–September 2022 and per child, as published.
SEED = {
    "Bengtsfors": (9409, 1821, "0.99", "35.7", "0.019"),
    "Dals-Ed": (4756, 997, "0.96", "5.1", "0.005"),
    "Färgelanda": (6576, 1427, "0.91", "28.2", "0.019"),
    "Mellerud": (9268, 2000, "0.97", "45.5", "0.022"),
    "Åmål": (12318, 2680, "0.96", "38.6", "0.014"),
}
MONTHS = 9  # January–September 2022

# The seed publishes neither the monthly counts nor the 20–64/65+ split. The totals below
# are the only integers whose average over nine months gives the seed's monthly average
# (test_seed_totals_are_the_only_ones_possible); the monthly spread is made up.
REPORTS_PER_MONTH = {
    "Bengtsfors": [38, 31, 40, 35, 33, 37, 29, 41, 38],  # 322
    "Dals-Ed": [5, 7, 3, 6, 4, 5, 6, 4, 6],  # 46
    "Färgelanda": [30, 25, 28, 31, 27, 29, 26, 30, 28],  # 254
    "Mellerud": [47, 44, 46, 43, 48, 45, 44, 47, 46],  # 410
    "Åmål": [40, 37, 39, 36, 41, 38, 40, 39, 38],  # 348
}
# Persons 20–64 and 65+ (made up, consistent with the seed's total, children and ratio).
WORKING_AND_ELDERLY = {
    "Bengtsfors": (4728, 2860),
    "Dals-Ed": (2427, 1332),
    "Färgelanda": (3443, 1706),
    "Mellerud": (4705, 2563),
    "Åmål": (6285, 3353),
}


@pytest.mark.parametrize("municipality", SEED)
def test_concern_rates__seed_table__reproduced(municipality: str) -> None:
    _inhabitants, children, _ratio, average, per_child = SEED[municipality]
    reports = REPORTS_PER_MONTH[municipality]
    assert len(reports) == MONTHS
    total, monthly_average, rate = concern_rates(children, reports)
    assert total == sum(reports)
    assert monthly_average == Decimal(average)
    assert rate == Decimal(per_child)
    assert str(monthly_average) == average and str(rate) == per_child


@pytest.mark.parametrize("municipality", SEED)
def test_seed_totals_are_the_only_ones_possible(municipality: str) -> None:
    _inhabitants, children, _ratio, average, per_child = SEED[municipality]
    possible = [
        total
        for total in range(3000)
        if concern_rates(children, [total] + [0] * (MONTHS - 1))[1:]
        == (Decimal(average), Decimal(per_child))
    ]
    assert possible == [sum(REPORTS_PER_MONTH[municipality])]


def test_seed_figures_are_truncated_not_rounded() -> None:
    # Rounded to one decimal, no integer total over nine months gives Mellerud's 45,5 …
    assert not [t for t in range(3000) if round(Fraction(t, MONTHS) * 10) == 455]
    # … and rounding per child would give 0,020, 0,020 and 0,023 instead of 0,019, 0,019, 0,022.
    for name in ("Bengtsfors", "Färgelanda", "Mellerud"):
        _inh, children, _r, _avg, per_child = SEED[name]
        exact = Fraction(sum(REPORTS_PER_MONTH[name]), MONTHS * children)
        assert round(exact, 3) != Fraction(per_child)
        assert concern_rates(children, REPORTS_PER_MONTH[name]).per_child == Decimal(per_child)


def test_concern_rates__invalid__refused() -> None:
    with pytest.raises(ValueError):
        concern_rates(100, [])
    with pytest.raises(ValueError):
        concern_rates(0, [1])
    with pytest.raises(ValueError):
        concern_rates(100, [1, -1])


def seed_csv(five_year: bool = False) -> str:
    lines = ["area,year,age_band,inhabitants"]
    for name, (_inh, children, _r, _a, _p) in SEED.items():
        working, elderly = WORKING_AND_ELDERLY[name]
        if five_year:
            lines += _spread(name, children, [(a, a + 4) for a in range(0, 20, 5)])
            lines += _spread(name, working, [(a, a + 4) for a in range(20, 65, 5)])
            lines += _spread(name, elderly, [(a, a + 4) for a in range(65, 95, 5)] + [(95, None)])
        else:
            lines += [f"{name},2021,0-19,{children}", f"{name},2021,20-64,{working}"]
            lines += [f"{name},2021,65+,{elderly}"]
    return "\n".join(lines) + "\n"


def _spread(name: str, count: int, bands: list[tuple[int, int | None]]) -> list[str]:
    share, rest = divmod(count, len(bands))
    out = []
    for i, (low, high) in enumerate(bands):
        label = f"{low}+" if high is None else f"{low}-{high}"
        out.append(f"{name},2021,{label},{share + (1 if i < rest else 0)}")
    return out


@pytest.mark.parametrize("five_year", [False, True])
def test_population__seed_municipalities(five_year: bool) -> None:
    population = parse_population_csv(seed_csv(five_year))
    assert population.areas() == sorted(SEED)
    assert population.years() == [2021]
    for name, (inhabitants, children, ratio, _a, _p) in SEED.items():
        summary = population.get(name, 2021)
        assert summary.inhabitants == inhabitants
        assert summary.children_0_19 == children
        assert summary.dependency_ratio_rounded() == Decimal(ratio)


def test_population__dependency_ratio_exact() -> None:
    text = "area;year;age_band;inhabitants\nX;2024;0-19;30\nX;2024;20-64;60\nX;2024;65+;15\n"
    summary = parse_population_csv("\ufeff" + text).get("X", 2024)
    assert summary.dependency_ratio == Fraction(3, 4)
    assert summary.dependency_ratio_rounded(3) == Decimal("0.750")
    assert (summary.inhabitants, summary.aged_20_64, summary.aged_65_plus) == (105, 60, 15)


def test_population__mixed_bands_and_thousands_separators() -> None:
    text = (
        "year,area,inhabitants,age_band\n"
        "2024,1460,1 200,0-4\n"
        "2024,1460,3 000,5-19\n"
        '2024,1460,"5 100",20-64\n'
        "2024,1460,900,65-79\n"
        "2024,1460,300,80+\n"
    )
    summary = parse_population_csv(text).get("1460", 2024)
    assert (summary.children_0_19, summary.aged_20_64, summary.aged_65_plus) == (4200, 5100, 1200)


def test_population__nobody_of_working_age__no_ratio() -> None:
    text = "area,year,age_band,inhabitants\nX,2024,0-19,3\nX,2024,20-64,0\nX,2024,65+,1\n"
    summary = parse_population_csv(text).get("X", 2024)
    assert summary.dependency_ratio is None
    assert summary.dependency_ratio_rounded() is None


def _errors(text: str) -> list[int | None]:
    with pytest.raises(PopulationFileError) as caught:
        parse_population_csv(text)
    return [e.line for e in caught.value.errors]


def test_population__bad_lines__every_error_with_its_line() -> None:
    text = (
        "area,year,age_band,inhabitants\n"
        "X,2024,0-19,10\n"  # 2 fine
        "X,20x4,20-64,10\n"  # 3 year
        "X,2024,twenty,10\n"  # 4 band
        "X,2024,65+,-3\n"  # 5 count
        ",2024,0-19,1\n"  # 6 area
        "X,2024\n"  # 7 too few columns
        "\n"  # 8 blank lines are skipped
        "Y,2024,15-24,5\n"  # 9 straddles 19/20
    )
    assert _errors(text) == [3, 4, 5, 6, 7, 9]


def test_population__errors_are_line_numbered_text() -> None:
    with pytest.raises(PopulationFileError) as caught:
        parse_population_csv("area,year,age_band,inhabitants\nX,1800,0-19,1\n")
    error = caught.value.errors[0]
    assert error.line == 2
    assert "2" in error.text() and "1800" in error.text()
    assert str(caught.value) == error.text()


def test_population__overlapping_and_missing_bands() -> None:
    text = (
        "area,year,age_band,inhabitants\n"
        "X,2024,0-19,10\n"
        "X,2024,0-4,3\n"  # 3 overlaps line 2
        "X,2024,20-64,10\n"
        "X,2024,65+,10\n"
        "Y,2024,0-19,10\n"  # 6 Y lacks 65+
        "Y,2024,20-64,10\n"
    )
    assert _errors(text) == [3, 6]


def test_population__duplicate_line__refused() -> None:
    text = "area,year,age_band,inhabitants\nX,2024,0-19,1\nX,2024,20-64,1\nX,2024,65+,1\n"
    assert _errors(text + "X,2024,65+,1\n") == [5]


def test_population__missing_column_or_empty_file() -> None:
    assert _errors("area,year,inhabitants\nX,2024,1\n") == [1]
    assert _errors("") == [None]
    assert _errors("area,year,age_band,inhabitants\n") == [None]


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("0-19", AgeBand(0, 19)),
        ("65+", AgeBand(65, None)),
        ("95+", AgeBand(95, None)),
        ("5–9", AgeBand(5, 9)),
        ("20 - 64 år", AgeBand(20, 64)),
        ("7", AgeBand(7, 7)),
    ],
)
def test_age_band__parse(text: str, band: AgeBand) -> None:
    assert AgeBand.parse(text) == band


@pytest.mark.parametrize("text", ["", "x", "19-0", "-5", "5-", "65++"])
def test_age_band__invalid(text: str) -> None:
    with pytest.raises(ValueError):
        AgeBand.parse(text)
