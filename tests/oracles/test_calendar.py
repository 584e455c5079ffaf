"""Our working calendar against the `holidays` package (Bulgaria, with the weekend-shift rule)."""
import json
from datetime import date

import holidays
import pytest


def our_days(priemna, year):
    out = priemna("calendar", str(year), "--json")
    assert out.returncode == 0, out.stderr
    return {date.fromisoformat(d["date"]) for d in json.loads(out.stdout)}


@pytest.mark.parametrize("year", range(2017, 2101))
def test_non_working_days_match_the_holidays_package(priemna, year):
    theirs = set(holidays.country_holidays("BG", years=year).keys())
    ours = our_days(priemna, year)
    assert ours - theirs == set(), f"{year}: we have extra days"
    assert theirs - ours == set(), f"{year}: we miss days"


def test_orthodox_easter_days_for_two_centuries(priemna):
    from dateutil.easter import EASTER_ORTHODOX, easter

    for year in range(1990, 2201, 7):
        ours = our_days(priemna, year)
        sunday = easter(year, EASTER_ORTHODOX)
        assert sunday in ours, f"Easter {sunday} missing in {year}"
