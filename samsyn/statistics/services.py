"""Writes of the statistics slice: the population context."""

from __future__ import annotations

from django.db import transaction

from samsyn.statistics.models import PopulationFigure
from samsyn.statistics.population import parse_population_csv


def population_import(text: str) -> int:
    """Store the population of every area and year in ``text`` (all or nothing; a later file
    replaces the same area and year). Raises ``PopulationFileError`` with line-numbered Swedish
    messages. Returns the number of area-years stored."""
    population = parse_population_csv(text)
    with transaction.atomic():
        for s in population.summaries:
            PopulationFigure.objects.update_or_create(
                area=s.area,
                year=s.year,
                defaults={
                    "inhabitants": s.inhabitants,
                    "children_0_19": s.children_0_19,
                    "aged_20_64": s.aged_20_64,
                    "aged_65_plus": s.aged_65_plus,
                },
            )
    return len(population.summaries)
