"""Creating many rows at once: COPY on PostgreSQL, ``bulk_create`` elsewhere.

Django's ``bulk_create`` on PostgreSQL sends each batch as arrays, and psycopg quotes every
element of a text or JSON array in Python: for tens of thousands of rows with JSON that costs
seconds (a municipality's daily attendance signals). ``copy_create`` writes the same rows with
one ``COPY … FROM STDIN``, the values adapted by psycopg's C dumpers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models


def copy_create(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert ``rows`` (field attnames → values; a field not given gets its default) into
    ``model``'s table. Nothing is returned per row (no primary keys); returns the number of
    rows. Call inside the transaction the rows belong to."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**row) for row in rows], batch_size=1000)
        return len(rows)
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]
    given = set(rows[0])
    unknown = given - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    jsons = {f.attname for f in fields if isinstance(f, models.JSONField)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    connection.ensure_connection()
    raw: Any = connection.connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = []
            for f in fields:
                value = row[f.attname] if f.attname in row else f.get_default()
                if f.attname in jsons and value is not None:
                    value = json.dumps(value)
                values.append(value)
            copy.write_row(values)
    return len(rows)
