"""Database triggers that refuse UPDATE and DELETE on the access log (SQLite and PostgreSQL)."""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER audit_accesslogentry_no_update BEFORE UPDATE ON audit_accesslogentry
       BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END""",
    """CREATE TRIGGER audit_accesslogentry_no_delete BEFORE DELETE ON audit_accesslogentry
       BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_accesslogentry_no_update",
    "DROP TRIGGER IF EXISTS audit_accesslogentry_no_delete",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$""",
    """CREATE TRIGGER audit_accesslogentry_append_only
       BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_accesslogentry
       FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_accesslogentry_append_only ON audit_accesslogentry",
    "DROP FUNCTION IF EXISTS audit_append_only()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
