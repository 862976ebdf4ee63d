import datetime as dt

from kinfolk.testing import make_household, make_pairing, make_volunteer
from kinfolk.visits.demo import visits_demo_seed
from kinfolk.visits.models import Visit
from kinfolk.visits.selectors import is_overdue


def test_the_demo_shows_visits_under_way(programme):
    today = dt.date(2027, 3, 1)
    for _ in range(6):
        make_pairing(
            make_volunteer(programme), make_household(programme), started_on=dt.date(2026, 9, 1)
        )
    counts = visits_demo_seed(programme=programme, today=today)
    assert counts["happened"] > 0 and counts["agreed"] > 0 and counts["overdue"] == 1
    overdue = [v for v in Visit.objects.all() if is_overdue(v, today)]
    assert len(overdue) == 1
