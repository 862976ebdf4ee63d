"""Forbids made in review before exclusions existed become the programme's lasting exclusions."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _targets(pairings):
    """Pairings at ``pairings``; every other app at its latest migration that does not need a
    later pairings migration (apps added since then are unapplied altogether)."""
    graph = MigrationExecutor(connection).loader.graph
    kept = set(graph.forwards_plan(("pairings", pairings)))
    later = {node for node in graph.nodes if node[0] == "pairings"} - kept
    targets = [("pairings", pairings)]
    for app in sorted({node[0] for node in graph.nodes} - {"pairings"}):
        chain = [n for n in graph.forwards_plan(graph.leaf_nodes(app)[0]) if n[0] == app]
        usable = [n for n in chain if not later & set(graph.forwards_plan(n))]
        targets.append(usable[-1] if usable else (app, None))
    return targets


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_forbids_of_old_runs_become_exclusions_once_per_pair():
    apps = _migrate(_targets("0003_visitor_report"))
    programme = apps.get_model("programmes", "Programme").objects.create(
        name="Leeds", country="GB", centre_lat=53.8, centre_lon=-1.5, radius_km=40
    )
    user = apps.get_model("accounts", "User").objects.create(email="cora@example.org")
    person = {"programme": programme, "town": "Leeds", "lat": 53.8, "lon": -1.5}
    v = apps.get_model("people", "Volunteer").objects.create(external_id="V1", **person)
    h = apps.get_model("people", "Household").objects.create(external_id="H1", **person)
    h2 = apps.get_model("people", "Household").objects.create(external_id="H2", **person)
    run_model = apps.get_model("pairings", "MatchingRun")
    rule_model = apps.get_model("pairings", "RunRule")
    for _ in range(2):  # the same forbid carried from one run to its re-run
        run = run_model.objects.create(programme=programme, started_by=user, status="discarded")
        rule_model.objects.create(run=run, volunteer=v, household=h, kind="forbid")
    rule_model.objects.create(run=run, volunteer=v, household=h2, kind="lock")

    apps = _migrate(_targets("0004_pair_exclusion"))
    exclusion = apps.get_model("pairings", "PairExclusion").objects.get()
    assert (exclusion.volunteer_id, exclusion.household_id) == (v.pk, h.pk)
    assert (exclusion.set_by_id, exclusion.lifted_at) == (user.pk, None)
    assert exclusion.set_at <= dt.datetime.now(dt.UTC)
    rules = apps.get_model("pairings", "RunRule").objects.values_list("kind", flat=True)
    assert list(rules) == ["lock"]
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
