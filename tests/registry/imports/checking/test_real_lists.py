"""Real lists (issue 12): a worker who should be registered is never refused for the wrong
reason. Declared income is information; a place the file lacks comes from the upload; what
needs a person's decision is held, not rejected."""

from __future__ import annotations

import re
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaring.registry.imports.checking import CheckedTable
from jaring.registry.imports.problems import IMPORT_PROBLEM_SPECS, problem_spec
from jaring.rules.messages import translate

from ..conftest import codes_of

Check = Callable[..., CheckedTable]
BUDI = "3571031708800002"  # a man born 17-08-1980, kecamatan 35.71.03 (Kota Kediri)
HEADER = "NIK;Nama;Tgl Lahir;JK;Kelurahan;Penghasilan"


def _one(income: str) -> str:
    return f"{HEADER}\n{BUDI};Budi;17-08-1980;L;Bandar Lor;{income}\n"


def _written(amount: int, style: int) -> str:
    dotted = f"{amount:,}".replace(",", ".")
    return [dotted, f"Rp {dotted}", f"Rp. {dotted},-", str(amount), f"{amount:,}"][style]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(amount=st.integers(min_value=0, max_value=50_000_000), style=st.integers(0, 4))
def test_declared_income_never_rejects_and_is_kept_as_given(
    check_csv: Check, amount: int, style: int
) -> None:
    checked = check_csv(_one(_written(amount, style)))
    row = checked.rows.row(0, named=True)
    assert row["state"] != "rejected"
    assert row["declared_income"] == amount
    assert row["income_basis"] == 1_000_000  # the contribution basis is the programme's
    assert not {c for c in codes_of(checked, 2) if c.startswith("INCOME")}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(written=st.text(alphabet="abcxyz-/ ?!", min_size=1, max_size=12))
def test_unreadable_income_is_a_warning_at_most(check_csv: Check, written: str) -> None:
    checked = check_csv(_one(written))
    assert checked.rows["state"].item() != "rejected"
    income = checked.problems.filter(checked.problems["code"].str.starts_with("INCOME"))
    assert set(income["severity"].to_list()) <= {"warning"}


def test_a_desa_list_with_an_income_column_registers_everyone(check_csv: Check) -> None:
    """Ten rows with Rp 500.000–1.750.000 (the list that rejected nine of ten)."""
    amounts = [500_000, 750_000, 1_000_000, 1_250_000, 1_500_000, 1_750_000, 600_000, 900_000,
               1_100_000, 1_300_000]  # fmt: skip
    lines = ["NIK;Nama;Tgl Lahir;JK;Kelurahan;Penghasilan"]
    for i, amount in enumerate(amounts):
        nik = f"3571031708{80 + i:02d}{i + 1:04d}"
        lines.append(f"{nik};Warga {i};17-08-19{80 + i};L;Bandar Lor;{amount:,}".replace(",", "."))
    checked = check_csv("\n".join(lines) + "\n")
    assert checked.summary()["rejected"] == 0
    assert checked.rows["declared_income"].to_list() == amounts


_INTERNAL = re.compile(r"open question|\bQ\d+\b|unverified|UNVERIFIED|TODO|FIXME", re.I)


def test_no_import_message_shows_an_internal_note() -> None:
    """What an import user reads never names an open question or an unverified note."""
    codes = [*IMPORT_PROBLEM_SPECS, "INCOME_BASIS_BELOW_MINIMUM", "INCOME_BASIS_NOT_LISTED"]
    for code in codes:
        template = problem_spec(code).template
        for language in ("id", "en"):
            assert not _INTERNAL.search(translate(template, language)), code
