"""The one filter set for people: the people page and the people API both use it."""

from __future__ import annotations

import json
import re
from typing import Any

import django_filters
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from jaring.core import crypto
from jaring.core.forms import bootstrap_widgets
from jaring.core.scoping import within_q
from jaring.registry import nameindex
from jaring.registry.models import (
    OccupationCategory,
    OccupationMatch,
    Person,
    PersonStatus,
    Sex,
)
from jaring.registry.names import normalize_name

_NIK_QUERY = re.compile(r"^\d{16}$")
#: A Kemendagri code typed in the search box: kab/kota, kecamatan or desa ("35.71.01").
_REGION_QUERY = re.compile(r"^\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?$")
#: A NIK copied from a page that masks it ("3571**********01").
_MASKED_NIK = re.compile(r"^[\d*xX•.\s-]{12,}$")


def search_hint(value: str) -> str:
    """Why a search box's text was read as it was, in words a person understands (a msgid),
    or "" when it is a name or a whole NIK: a region code filters by region; a part of a NIK
    or a masked one finds nobody (a NIK is found whole or not at all)."""
    value = (value or "").strip()
    digits = re.sub(r"\D", "", value)
    if not value or _NIK_QUERY.match(digits) or normalize_name(value):
        return ""
    if _REGION_QUERY.match(value):
        return gettext_noop("Searched as a region code: the people of that region.")
    if "*" in value or "•" in value or (_MASKED_NIK.match(value) and "x" in value.lower()):
        return gettext_noop(
            "A masked NIK cannot be searched: type the whole 16-digit NIK from the KTP."
        )
    return gettext_noop(
        "A NIK is searched whole: type its 16 digits (this has %(n)s). Part of a NIK finds nobody."
    )


#: Shorter names are searched as written: one letter changed in three is another name.
_FUZZY_FROM = 4
#: How alike (pg_trgm's word similarity) a name must be to the one typed.
TRIGRAM_THRESHOLD = 0.4


def _spellings(name: str) -> list[str]:
    """LIKE patterns for ``name`` with one letter changed, added or left out, anywhere
    ("abiasa": "ab_asa" finds "abyasa", "ab_iasa" finds "abbiasa"; "abiyasa": "abyasa")."""
    letters = [i for i in range(len(name)) if name[i] != " "]
    changed = [f"{name[:i]}_{name[i + 1 :]}" for i in letters]
    added = [f"{name[:i]}_{name[i:]}" for i in range(1, len(name))]
    left_out = [f"{name[:i]}{name[i + 1 :]}" for i in letters if 0 < i < len(name) - 1]
    return list(dict.fromkeys(changed + added + left_out))


#: The letters a normalised name is written in (registry.names): what one changed or added
#: letter can be, so that a spelling is a handful of exact substrings the trigram index finds.
_LETTERS = "abcdefghijklmnopqrstuvwxyz "


def _spelt_out(patterns: list[str]) -> list[str]:
    """The substrings ``patterns`` stand for, ``_`` (one letter) spelt out as every letter it
    can be. Exact: a normalised name has only ``a-z`` and single spaces."""
    phrases: list[str] = []
    for pattern in patterns:
        if "_" in pattern:
            phrases.extend(pattern.replace("_", letter, 1) for letter in _LETTERS)
        else:
            phrases.append(pattern)
    return list(dict.fromkeys(phrases))


def _fts_query(phrases: list[str]) -> str:
    """An FTS5 query (trigram tokenizer: each phrase a substring) for any of ``phrases``."""
    return " OR ".join(f'"{phrase}"' for phrase in phrases)


def _written_somewhere(phrases: list[str]) -> list[str]:
    """The ``phrases`` some name contains, in one query: each asked of the side table alone,
    stopping at its first name. Of the 300–500 spellings of a name, one or two are written;
    asking the table for all at once costs a read of every trigram's list per spelling."""
    table = nameindex.TABLE
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.value FROM json_each(%s) p WHERE EXISTS (SELECT 1 FROM {table} "
            f"WHERE {table} MATCH '\"' || p.value || '\"')",
            [json.dumps(phrases)],
        )
        return [row[0] for row in cursor.fetchall()]


def _fts_q(query: str) -> Q:
    """The people whose name the side table ``registry_person_name`` (registry.nameindex)
    finds for the FTS5 ``query``: its rowid is the person's id."""
    return Q(
        pk__in=RawSQL(
            f"SELECT rowid FROM {nameindex.TABLE} WHERE {nameindex.TABLE} MATCH %s", (query,)
        )
    )


def _found_by_index(queryset: QuerySet[Person]) -> bool:
    """``queryset.exists()`` on PostgreSQL, from the trigram index: with the table and the
    name index out of the planner's choices for this one query. Not knowing the name, it
    counts on meeting one within a few hundred rows — and for a name nobody has read all ten
    million (1.9 s); the trigram index says so in milliseconds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SET enable_seqscan = off; SET enable_indexscan = off; SET enable_indexonlyscan = off"
        )
        try:
            return queryset.exists()
        finally:
            cursor.execute(
                "RESET enable_seqscan; RESET enable_indexscan; RESET enable_indexonlyscan"
            )


def name_like_q(queryset: QuerySet[Person], name: str) -> Q:
    """The people whose normalised name contains ``name`` (normalised) or one written alike.

    On PostgreSQL, both from the GIN trigram index ``person_name_trgm``: the names containing
    ``name``; when there are none in the user's regions, those like it by trigrams (pg_trgm's
    word similarity, at least :data:`TRIGRAM_THRESHOLD`; one query more). Asked together, the
    likeness matched every name sharing 40 % of the trigrams — hundreds of thousands of rows
    at ten million people, 0.8–4.5 s — beside the names written as typed. On SQLite:
    the names that contain ``name`` come from the trigram side table (registry.nameindex);
    when there are none, those that contain it with one letter changed, added or left out
    (:func:`_spellings`, each changed or added letter spelt out; two queries more: which of
    those spellings are written at all, then the people who have them). Names shorter than
    three letters, which have no trigram, are read with ``LIKE`` as before."""
    exact = Q(name_normalized__contains=name)
    if connection.vendor == "postgresql":
        if len(name) < _FUZZY_FROM or _found_by_index(queryset.filter(exact)):
            return exact
        return Q(WordSimilar(F("name_normalized"), Value(name)))
    if len(name) < 3:
        return exact
    exact = _fts_q(_fts_query([name]))
    if len(name) < _FUZZY_FROM or queryset.filter(exact).exists():
        return exact
    written = _written_somewhere(_spelt_out(_spellings(name)))
    return _fts_q(_fts_query(written)) if written else Q(pk__in=[])


class WordSimilar(Func):
    """``name %> 'typed'``: the typed name is like a word sequence of the name, by trigrams,
    at least the session's ``pg_trgm.word_similarity_threshold`` (:data:`TRIGRAM_THRESHOLD`,
    set on each connection: see ``RegistryConfig.ready``) — an indexable operator, unlike a
    comparison of the similarity, so the GIN index answers it."""

    arg_joiner = " %%> "  # "%%": the driver's parameter style reads "%" itself
    template = "(%(expressions)s)"
    output_field = BooleanField()


def trigram_threshold_set(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On each new PostgreSQL connection: the word similarity :class:`WordSimilar` asks for
    ("abiasa" is 0.4 like "abyasa wibowo"; pg_trgm's default, 0.6, would miss it)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.word_similarity_threshold = {TRIGRAM_THRESHOLD}")


def is_nik_query(value: str) -> bool:
    """Whether a search is a full NIK (16 digits, separators ignored)."""
    return bool(_NIK_QUERY.match(re.sub(r"\D", "", value or "")))


class PersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or NIK"), method="filter_q")
    region = django_filters.CharFilter(label=_("Region code"), method="filter_region")
    occupation = django_filters.ModelChoiceFilter(
        label=_("Occupation"),
        queryset=OccupationCategory.objects.all(),
        empty_label=_("All occupations"),
    )
    sex = django_filters.ChoiceFilter(
        label=_("Sex"), choices=Sex.choices, empty_label=_("Both sexes")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=PersonStatus.choices, empty_label=_("Any status")
    )
    occupation_review = django_filters.BooleanFilter(
        label=_("Occupation needs review"), method="filter_occupation_review"
    )

    class Meta:
        model = Person
        fields = ["q", "region", "occupation", "sex", "status", "occupation_review"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self.form)

    def filter_q(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        value = value.strip()
        if not value:
            return queryset
        digits = re.sub(r"\D", "", value)
        if _NIK_QUERY.match(digits):
            # NIK is stored encrypted; its keyed hash finds it without decrypting anything.
            return queryset.filter(nik_index=crypto.blind_index(digits, purpose="nik"))
        if _REGION_QUERY.match(value):
            # A kecamatan or desa code: the people of that region (search_hint says so).
            return queryset.filter(within_q("region", [value]))
        name = normalize_name(value)
        if not name:
            # Part of a NIK (or only digits and signs): no answer — a NIK is found whole or
            # not at all, so a search cannot be used to learn its digits one by one.
            return queryset.none()
        return queryset.filter(name_like_q(queryset, name))

    def filter_region(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        return queryset.filter(within_q("region", [value.strip()])) if value.strip() else queryset

    def filter_occupation_review(
        self, queryset: QuerySet[Person], name: str, value: Any
    ) -> QuerySet[Person]:
        needs_review = Q(occupation_match__in=[OccupationMatch.FUZZY, OccupationMatch.UNCLASSIFIED])
        if value is None:
            return queryset
        return queryset.filter(needs_review) if value else queryset.exclude(needs_review)
