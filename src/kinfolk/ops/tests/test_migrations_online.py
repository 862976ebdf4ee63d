"""Zero-downtime migrations: a new migration must not lock a table or break the running code.

During an upgrade the old code keeps serving while migrations run, and a
table of 110,000 people locked while an index builds stops every page that
reads it.  Each migration written since the rule (every one not named in
``migrations_baseline.txt``) is linted with django-migration-linter, whose
warnings count as errors: ``CREATE INDEX`` outside ``CONCURRENTLY``, a unique
constraint added in place, a ``NOT NULL`` column without a default, a column
dropped or renamed while old code still reads it.  The SQL is judged as
PostgreSQL's, where the tables are large, whatever database runs the suite.
A new app's first migration creates tables nobody reads yet, so it is not linted.
"""

from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_migration_linter import MigrationLinter
from django_migration_linter.sql_analyser.analyser import analyse_sql_statements
from django_migration_linter.sql_analyser.postgresql import PostgresqlAnalyser

BASELINE = Path(__file__).parents[1] / "migrations_baseline.txt"


def _baseline() -> set[str]:
    lines = BASELINE.read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def _ours(loader: MigrationLoader):
    from django.apps import apps

    labels = {c.label for c in apps.get_app_configs() if c.name.startswith("kinfolk.")}
    return [m for (app, _n), m in sorted(loader.disk_migrations.items()) if app in labels]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite rebuilds a table for most changes; the rule is about PostgreSQL, run in CI",
)
def test_every_migration_since_the_rule_keeps_tables_online(db, capsys):
    linter = MigrationLinter(
        no_cache=True,
        all_warnings_as_errors=True,
        analyser_string="postgresql",
        ignore_initial_migrations=True,
    )
    baseline = _baseline()
    for migration in _ours(MigrationLoader(connection, load=True)):
        if f"{migration.app_label}/{migration.name}" not in baseline:
            linter.lint_migration(migration)
    report = capsys.readouterr().out
    assert not linter.has_errors, f"a migration would lock a table or break old code:\n{report}"


def test_the_baseline_names_only_migrations_that_exist(db):
    loader = MigrationLoader(connection, load=True)
    existing = {f"{m.app_label}/{m.name}" for m in _ours(loader)}
    assert _baseline() - existing == set()


def test_the_check_catches_an_index_built_in_place_and_passes_a_concurrent_one():
    plain = ['CREATE INDEX "people_volunteer_town" ON "people_volunteer" ("town");']
    errors, _ignored, warnings = analyse_sql_statements(PostgresqlAnalyser, plain)
    assert any("CREATE INDEX locks table" in issue.message for issue in errors + warnings)
    concurrent = [
        'CREATE INDEX CONCURRENTLY "people_volunteer_town" ON "people_volunteer" ("town");'
    ]
    errors, _ignored, warnings = analyse_sql_statements(PostgresqlAnalyser, concurrent)
    assert not [i for i in errors + warnings if "locks table" in i.message]
