"""ЕГН and ЕИК checks against python-stdnum, over many generated numbers."""
import random

from stdnum.bg import egn as stdnum_egn
from stdnum.bg import vat as stdnum_vat


def verdicts(priemna, what, values):
    out = priemna("check", what, stdin="\n".join(values) + "\n")
    assert out.returncode in (0, 1), out.stderr
    result = {}
    for line in out.stdout.splitlines():
        value, verdict = line.split("\t", 1)
        result[value] = verdict.startswith("valid")
    assert len(result) == len(set(values))
    return result


def test_egn_agrees_with_stdnum(priemna):
    rng = random.Random(20261125)
    values = set()
    # Valid numbers across the three centuries, with their check digits computed by stdnum.
    while len(values) < 3000:
        year = rng.randint(1800, 2099)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        offset = 20 if year < 1900 else 40 if year >= 2000 else 0
        stem = f"{year % 100:02d}{month + offset:02d}{day:02d}{rng.randint(0, 999):03d}"
        values.add(stem + stdnum_egn.calc_check_digit(stem))
    # Random digit strings: mostly invalid dates or check digits.
    while len(values) < 8000:
        values.add(f"{rng.randint(0, 9_999_999_999):010d}")
    values = sorted(values)
    ours = verdicts(priemna, "egn", values)
    disagreements = [v for v in values if ours[v] != stdnum_egn.is_valid(v)]
    assert disagreements == [], disagreements[:20]


def test_nine_digit_eik_agrees_with_stdnum(priemna):
    rng = random.Random(7)
    values = sorted({f"{rng.randint(0, 999_999_999):09d}" for _ in range(5000)})
    ours = verdicts(priemna, "eik", values)
    disagreements = [v for v in values if ours[v] != stdnum_vat.is_valid(v)]
    assert disagreements == [], disagreements[:20]
