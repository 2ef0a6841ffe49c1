"""One message system: English msgids, Indonesian from the catalogue, rendered without Django."""

from __future__ import annotations

import subprocess
import sys

from jaring.rules import legal
from jaring.rules.messages import Message, pgettext_noop, translate
from jaring.rules.problems import SEX_LABELS, make_problem


def test_legal_notes_are_translated() -> None:
    notes = [v.note for v in vars(legal).values() if isinstance(v, legal.LegalBasis) and v.note]
    assert len(notes) >= 10
    assert all(translate(note, "id") != note for note in notes)


def test_a_message_renders_in_both_languages_with_nested_labels() -> None:
    problem = make_problem("NIK_SEX_MISMATCH", nik_sex="L", stated_sex="P")
    assert problem.message.render("id") == (
        "Jenis kelamin menurut NIK (laki-laki) berbeda dengan yang dicatat (perempuan)."
    )
    assert problem.message.render("en") == (
        "The sex encoded in the NIK (male) differs from the recorded sex (female)."
    )
    # Stored as codes, not as words of either language.
    assert problem.to_dict()["params"] == {"nik_sex": "L", "stated_sex": "P"}
    assert set(SEX_LABELS) == {"L", "P"}


def test_a_context_gives_an_english_word_a_second_indonesian_one() -> None:
    workbook = pgettext_noop("problems workbook", "Accepted with warnings")
    assert translate(workbook, "id") == "Diterima dengan catatan"
    assert translate(workbook, "en") == "Accepted with warnings"
    assert Message("Accepted with warnings").render("id") == "Diterima dengan peringatan"


def test_the_rules_engine_speaks_indonesian_without_django() -> None:
    code = (
        "import sys; sys.modules['django'] = None\n"
        "from jaring.rules.problems import make_problem\n"
        "print(make_problem('NIK_LENGTH', length=15).message.render('id'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "NIK harus 16 digit, bukan 15."


def test_an_empty_message_is_empty_in_every_language_not_the_catalogue_header() -> None:
    # gettext("") answers with the catalogue's header ("Project-Id-Version: …").
    assert Message("").to_dict("note") == {"note_id": "", "note_en": ""}
    basis = legal.LegalBasis(regulation="PP 44/2015", article=None, valid_from=None)
    assert basis.to_dict()["note_id"] == ""
