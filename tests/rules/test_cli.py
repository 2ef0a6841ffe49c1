"""``jaring rules`` on the command line: figures, exit statuses, one-line errors, no Django."""

import gzip
import json
import runpy
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from jaring.rules import cli
from jaring.rules.cli import load_region_names, main

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    status, out, _ = run(capsys, *argv, "--json")
    return status, json.loads(out)


@pytest.fixture
def regions_file(tmp_path: Path) -> Path:
    path = tmp_path / "wilayah.csv.gz"
    rows = [
        "code,code_digits,name,level,level_name,kind,parent_code",
        "35,35,Jawa Timur,1,provinsi,provinsi,",
        "35.71,3571,Kota Kediri,2,kabupaten_kota,kota,35",
        "35.71.03,357103,Pesantren,3,kecamatan,kecamatan,35.71",
        "35.71.03.1001,3571031001,Bangsal,4,desa_kelurahan,kelurahan,35.71.03",
        "94,94,Papua Tengah,1,provinsi,provinsi,",
    ]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(rows) + "\n")
    return path


# --- nik -----------------------------------------------------------------------------------------


def test_nik_valid_with_region_names(
    capsys: pytest.CaptureFixture[str], regions_file: Path
) -> None:
    status, out, err = run(
        capsys,
        "nik",
        "3571031708800002",
        "--birth-date",
        "1980-08-17",
        "--sex",
        "l",
        "--regions",
        str(regions_file),
    )
    assert status == 0
    assert err == ""
    assert "SAH (valid)" in out
    assert "35.71 Kota Kediri" in out
    assert "35.71.03 Pesantren" in out
    assert "1980-08-17" in out
    assert "UU 23/2006 jo. UU 24/2013 Pasal 13" in out


def test_nik_warnings_keep_exit_status_0(
    capsys: pytest.CaptureFixture[str], regions_file: Path
) -> None:
    status, out, _ = run(
        capsys, "nik", "9471011203900001", "--sex", "P", "--regions", str(regions_file)
    )
    assert status == 0
    assert "PERINGATAN NIK_SEX_MISMATCH" in out
    assert "PERINGATAN NIK_KABKOTA_UNKNOWN" in out
    assert "Kabupaten/kota: 94.71\n" in out  # no name: not in today's table


def test_nik_invalid_exit_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "nik", "3.57103E+15", "--no-regions")
    assert status == 1
    assert "TIDAK SAH" in out
    assert "GALAT NIK_SCIENTIFIC_NOTATION" in out
    assert "(tabel wilayah tidak dipakai" in out


def test_nik_without_region_table_names_codes_only(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "nik", "3571031708800002", "--no-regions", "--on", "2025-01-01")
    assert status == 0
    assert "Kabupaten/kota: 35.71\n" in out


def test_nik_json(capsys: pytest.CaptureFixture[str], regions_file: Path) -> None:
    status, data = run_json(capsys, "nik", "3571031708800002.0", "--regions", str(regions_file))
    assert status == 0
    assert data["nik"] == "3571031708800002"
    assert data["region_table"] == "loaded"
    assert [p["code"] for p in data["problems"]] == ["NIK_FROM_NUMBER"]  # type: ignore[index]


def test_nik_json_without_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(capsys, "nik", "123", "--no-regions")
    assert status == 1
    assert data["valid"] is False
    assert data["region_table"] == "not used"


def test_nik_uses_the_packaged_region_table_when_present(
    capsys: pytest.CaptureFixture[str], regions_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "REGIONS_CSV", regions_file)
    _, out, _ = run(capsys, "nik", "3571031708800002")
    assert "Kota Kediri" in out
    monkeypatch.setattr(cli, "REGIONS_CSV", regions_file.with_name("missing.csv.gz"))
    _, out, _ = run(capsys, "nik", "3571031708800002")
    assert "region table not used" in out


def test_nik_region_file_errors_are_usage_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = run(capsys, "nik", "3571031708800002", "--regions", str(tmp_path / "no"))
    assert (status, out) == (2, "")
    assert "region file missing" in err
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(b"not gzip")
    status, _, err = run(capsys, "nik", "3571031708800002", "--regions", str(broken))
    assert status == 2
    assert "unreadable region file" in err
    assert len(err.strip().splitlines()) == 1


def test_packaged_region_table_loads_if_shipped() -> None:
    if not cli.REGIONS_CSV.exists():
        pytest.skip("the foundation's region table is not in this checkout")
    names = load_region_names(cli.REGIONS_CSV)
    assert names["35.71"] == "Kota Kediri"
    assert "94.71" not in names  # old Papua code: NIKs keep it, today's table does not


# --- contribution --------------------------------------------------------------------------------


def test_contribution_default_is_16800_with_bases(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "contribution", "--income", "1000000", "--date", "2024-05-01")
    assert status == 0
    assert "Rp 16.800" in out
    assert "Rp 10.000   [PP 44/2015 Lampiran II]" in out
    assert "Rp 6.800   [PP 44/2015]" in out


def test_contribution_pp50_discount_shows_minus_lines(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "contribution",
        "--income",
        "Rp 1.000.000",
        "--date",
        "2026-02-01",
        "--sector",
        "transport",
        "--funder",
        "self",
    )
    assert status == 0
    assert "- Rp 5.000   [PP 50/2025 Pasal 4 ayat (1)]" in out
    assert "Jumlah / total: Rp 8.400" in out


def test_contribution_apbd_in_2026_pays_full_and_says_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(
        capsys,
        "contribution",
        "--income",
        "1000000",
        "--date",
        "2026-02-01",
        "--sector",
        "transport",
        "--funder",
        "apbd",
    )
    assert status == 0
    assert "Jumlah / total: Rp 16.800" in out
    assert "CATATAN PP50_FUNDER_EXCLUDED" in out
    assert "(en) Contribution paid from APBD" in out


def test_contribution_k1_cohort(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "contribution",
        "--income",
        "1000000",
        "--date",
        "2023-09-01",
        "--months",
        "4",
        "--people",
        "9300",
        "--funder",
        "dbhcht",
    )
    assert status == 0
    assert "9.300 peserta × 4 bulan (2023-09 s.d. 2023-12)" in out
    assert "Jumlah / total: Rp 624.960.000" in out
    assert "2023-12: Rp 16.800" in out


def test_contribution_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(
        capsys,
        "contribution",
        "--income",
        "1000000",
        "--jht",
        "--date",
        "2026-05-10",
        "--funder",
        "apbd",
    )
    assert status == 0
    assert data["total"] == 36_800
    assert data["lines"][0]["basis"]["regulation"] == "PP 44/2015"  # type: ignore[index]
    assert data["problems"][0]["code"] == "PP50_FUNDER_EXCLUDED"  # type: ignore[index]


def test_json_flag_before_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--json", "contribution", "--income", "1000000")
    assert status == 0
    assert json.loads(out)["first_month"] == str(date.today())[:7]


def test_contribution_rule_error_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "contribution", "--income", "500000")
    assert (status, out) == (1, "")
    assert "INCOME_BASIS_BELOW_MINIMUM" in err
    assert "Traceback" not in err
    status, data = run_json(capsys, "contribution", "--income", "500000")
    assert status == 1
    assert data["ok"] is False


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["contribution", "--income", "abc"], "not a rupiah amount"),
        (["contribution", "--income", "1000000", "--funder", "pemda"], "invalid choice"),
        (["contribution", "--income", "1000000", "--sector", "boat"], "invalid choice"),
        (["contribution", "--income", "1000000", "--months", "0"], "whole number >= 1"),
        (["contribution", "--income", "1000000", "--months", "x"], "whole number"),
        (["contribution", "--income", "1000000", "--date", "2024-13-01"], "invalid date"),
        (["contribution", "--income", "1000000", "--date", "20240101"], "invalid date"),
        (["contribution"], "required"),
        (
            ["benefit", "jkm", "--death-date", "2024-02-30", "--membership-start", "2020-01-01"],
            "invalid date",
        ),
        (
            [
                "benefit",
                "jkm",
                "--death-date",
                "2024-02-03",
                "--membership-start",
                "2020-01-01",
                "--children",
                "kuliah",
            ],
            "Unknown school level",
        ),
        (
            [
                "benefit",
                "jkk-disability",
                "--income",
                "1000000",
                "--date",
                "2024-01-01",
                "--percent",
                "abc",
            ],
            "not a percentage",
        ),
        (["benefit", "jkk-disability", "--income", "1000000", "--date", "2024-01-01"], "required"),
        (
            [
                "benefit",
                "jkk-disability",
                "--income",
                "1000000",
                "--date",
                "2024-01-01",
                "--total",
                "--function-loss",
                "50",
            ],
            "--function-loss needs --percent",
        ),
        (
            [
                "benefit",
                "jkk-disability",
                "--income",
                "1000000",
                "--date",
                "2024-01-01",
                "--percent",
                "10",
                "--children",
                "sd",
            ],
            "--children needs --total",
        ),
        (
            [
                "benefit",
                "stmb",
                "--income",
                "1000000",
                "--date",
                "2024-01-01",
                "--month",
                "1",
                "--months",
                "2",
            ],
            "not allowed",
        ),
        (["status", "--paid-months", "2024-1x"], "invalid month list"),
        (["benefit"], "required"),
        ([], "required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_are_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("jaring rules")


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert "jaring rules" in out


# --- benefit -------------------------------------------------------------------------------------


def test_benefit_jkm_full(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "benefit", "jkm", "--death-date", "2024-01-31", "--membership-start", "2023-06-01"
    )
    assert status == 0
    assert "Rp 42.000.000" in out
    assert "[PP 44/2015 jo. PP 82/2019 Pasal 34]" in out
    assert "7 bulan penuh" in out


def test_benefit_jkm_first_months_10jt_and_no_scholarship(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(
        capsys,
        "benefit",
        "jkm",
        "--death-date",
        "2025-08-20",
        "--membership-start",
        "2025-07-01",
        "--children",
        "sd,smp",
        "--funder",
        "apbd",
    )
    assert status == 0
    assert "total now: Rp 10.000.000" in out
    assert "[Permenaker 1/2025]" in out
    assert "scholarship: tidak ada / none" in out
    assert "CATATAN JKM_QUALIFYING_PERIOD" in out


def test_benefit_jkm_with_scholarship(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "benefit",
        "jkm",
        "--death-date",
        "2025-10-20",
        "--membership-start",
        "2022-10-20",
        "--children",
        "belum,tk",
    )
    assert status == 0
    assert "paling banyak / at most: Rp 174.000.000" in out


def test_benefit_jkm_json_and_rule_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(
        capsys, "benefit", "jkm", "--death-date", "2025-10-20", "--membership-start", "2025-07-01"
    )
    assert (status, data["total"]) == (0, 42_000_000)
    status, out, err = run(
        capsys, "benefit", "jkm", "--death-date", "2020-01-01", "--membership-start", "2021-01-01"
    )
    assert (status, out) == (1, "")
    assert "DEATH_BEFORE_MEMBERSHIP" in err


def test_benefit_jkk_death_70jt(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "benefit",
        "jkk-death",
        "--income",
        "1000000",
        "--date",
        "2024-01-31",
        "--children",
        "sd",
    )
    assert status == 0
    assert "total now: Rp 70.000.000" in out
    assert "Rp 48.000.000" in out
    assert "Beasiswa tahun ini / this year: Rp 1.500.000" in out


def test_benefit_jkk_disability(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "benefit",
        "jkk-disability",
        "--income",
        "1000000",
        "--date",
        "2024-01-31",
        "--total",
        "--children",
        "pt",
    )
    assert status == 0
    assert "total now: Rp 68.000.000" in out
    status, data = run_json(
        capsys,
        "benefit",
        "jkk-disability",
        "--income",
        "1000000",
        "--date",
        "2024-01-31",
        "--percent",
        "35",
        "--function-loss",
        "50",
    )
    assert (status, data["total"]) == (0, 14_000_000)
    status, _, err = run(
        capsys,
        "benefit",
        "jkk-disability",
        "--income",
        "1000000",
        "--date",
        "2024-01-31",
        "--body-part",
        "lengan",
    )
    assert status == 1
    assert "DISABILITY_BODY_PART_UNKNOWN" in err


def test_benefit_stmb(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "benefit", "stmb", "--income", "1000000", "--date", "2024-01-10", "--month", "13"
    )
    assert status == 0
    assert "total now: Rp 500.000" in out
    status, data = run_json(
        capsys, "benefit", "stmb", "--income", "1000000", "--date", "2024-01-10", "--months", "14"
    )
    assert (status, data["total"]) == (0, 13_000_000)
    status, data = run_json(
        capsys, "benefit", "stmb", "--income", "1000000", "--date", "2024-01-10"
    )
    assert (status, data["total"]) == (0, 1_000_000)


# --- status --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected", "absent"),
    [
        ("2024-03-15", ["Aktif (Active)", "Lunas s.d. / paid through: 2024-03"], "Tunggakan"),
        ("2024-05-15", ["Tertunggak 2 bulan", "2024-04, 2024-05", "belum pasti"], "Aktif"),
        ("2024-07-15", ["Berakhir (Ended)", "covered today: tidak / no"], "Awal kepesertaan"),
        ("2023-12-15", ["Belum aktif", "last paid: -"], "Berakhir mulai"),
    ],
)
def test_status(
    capsys: pytest.CaptureFixture[str], on: str, expected: list[str], absent: str
) -> None:
    status, out, _ = run(capsys, "status", "--paid-months", "2024-01,2024-02,2024-03", "--on", on)
    assert status == 0
    for text in expected:
        assert text in out
    assert absent not in out


def test_status_json_default_today(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(capsys, "status", "--paid-months", "2020-01..2020-02", "--jht-claimed")
    assert status == 0
    assert data["state"] == "nonaktif"
    assert data["on"] == date.today().isoformat()


# --- entry points and the no-Django guarantee ----------------------------------------------------


def test_python_dash_m_entry_point(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["jaring.rules", "contribution", "--income", "1000000", "--date", "2024-05-01"]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as caught:
        runpy.run_module("jaring.rules", run_name="__main__")
    assert caught.value.code == 0
    assert "Rp 16.800" in capsys.readouterr().out


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True, check=False
    )


def test_rules_import_without_django() -> None:
    result = _python(
        "-c",
        "import sys; sys.modules['django'] = None; import jaring.rules, jaring.rules.cli; "
        "print('ok')",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_rules_import_only_the_standard_library() -> None:
    code = (
        "import sys; before = set(sys.modules); import jaring.rules, jaring.rules.cli; "
        "new = {m.split('.')[0] for m in set(sys.modules) - before}; "
        "print(sorted(n for n in new if n not in sys.stdlib_module_names and n != 'jaring'))"
    )
    result = _python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_cli_subprocess_bad_input_has_no_traceback() -> None:
    result = _python(
        "-m", "jaring.rules", "benefit", "jkk-death", "--income", "sejuta", "--date", "2024-01-01"
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    valid = _python("-m", "jaring.rules", "nik", "3571031708800002", "--json")
    assert valid.returncode == 0
    assert json.loads(valid.stdout)["valid"] is True
