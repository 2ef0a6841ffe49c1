"""The occupation taxonomy of pekerja rentan, and the classifier for free-text occupations.

Kelurahan lists write the same job many ways: "Opang", "TKG OJEK", "Ojek Pengkolan Psr. Anyar".
:data:`TAXONOMY` names the categories Pemda decrees use (each with the PP 50/2025 transport-sector
flag, RULES.md §1.4) and the ways lists write them. :func:`classify_occupations` ties each distinct
text to a category, most trusted step first:

1. **synonym** — the normalised text (:func:`normalize_occupation`) is a known spelling (a
   kab/kota's own synonyms win over the national ones), or a keyword rule recognises it ("ketua
   rt" anywhere → ``ketua_rt_rw``, "marbot"/"takmir" → ``marbot``). Specific words beat generic
   ones ("buruh tani tembakau" is not just "buruh"); two specific jobs ("Petani / Ketua RT") leave
   the text unclassified, because a human must pick one.
2. **fuzzy** — misspelt words ("nelyan", "kuli bangnan") are corrected against the known
   vocabulary and step 1 is tried again; failing that, the whole text is compared with every
   synonym (rapidfuzz) and must score high *and* lead the next category clearly. A rule answer
   for a text with a word that could be either of two known words is also only fuzzy. Fuzzy
   answers are never final: the import asks a human to confirm them.
3. **unclassified** — everything else: blank text, gibberish, two jobs, and texts that name
   someone who is not pekerja rentan or say too little (PNS, pelajar, ibu rumah tangga,
   wiraswasta; :data:`EXCLUDED`). Nothing is guessed silently.

Pure Python and rapidfuzz, no ORM: the registry stores :class:`CategorySpec` rows and user-added
synonyms under :func:`synonym_key`, and passes the latter back as ``extra_synonyms``. The
reasoning for borderline categories is in docs/occupations.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from jaring.registry.occupations.taxonomy import (
    EXCLUDED,
    TAXONOMY,
)

# --- normalisation -------------------------------------------------------------------------------

# Word-level spellings folded to one form: abbreviations, regional and old spellings.
# fmt: off
_CANONICAL: dict[str, str] = {
    "tkg": "tukang", "tkng": "tukang", "tukng": "tukang", "pdg": "pedagang", "pdgg": "pedagang",
    "pdgng": "pedagang", "pedg": "pedagang", "pdgn": "pedagang", "pedag": "pedagang",
    "bth": "buruh", "brh": "buruh", "bhl": "buruh harian lepas", "supir": "sopir", "spr": "sopir",
    "driver": "sopir", "pengemudi": "sopir", "sopr": "sopir", "ojeg": "ojek", "ojk": "ojek",
    "ngojek": "ojek", "ngojeg": "ojek", "pengojek": "ojek", "ojeker": "ojek", "bpk": "pak",
    "bapak": "pak", "bp": "pak", "mesjid": "masjid", "msjd": "masjid", "musholla": "musala",
    "mushola": "musala", "musholah": "musala", "musolla": "musala", "musola": "musala",
    "mushalla": "musala", "mushala": "musala", "musalla": "musala", "marbut": "marbot",
    "merbot": "marbot", "merbut": "marbot", "tamir": "takmir", "pijet": "pijat", "pijit": "pijat",
    "pemijet": "pemijat", "jenasah": "jenazah", "kuburan": "kubur", "ustad": "ustadz",
    "ustaz": "ustadz", "ustadzah": "ustadz", "ustazah": "ustadz", "ustd": "ustadz", "ust": "ustadz",
    "mengaji": "ngaji", "beca": "becak", "lalin": "lalu lintas", "lantas": "lalu lintas",
    "kdr": "kader", "ptgs": "petugas", "ptg": "petugas", "kry": "karyawan", "kary": "karyawan",
    "kyw": "karyawan", "service": "servis", "onlen": "online", "onlin": "online",
    "pengrajin": "perajin", "truck": "truk", "bis": "bus", "psr": "pasar",
    "penyebrangan": "penyeberangan", "penyebrang": "penyeberang", "tembako": "tembakau",
    "tembaku": "tembakau", "nonasn": "non asn", "nonpns": "non pns", "holtikultura": "hortikultura",
}
# fmt: on

# Phrase-level fixes, applied to the whole lower-cased text before it is split into words.
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"\bj\s*&\s*t\b", " jnt "),
        (r"\bp\s*3\s*n\b", " pembantu pegawai pencatat nikah "),
        (r"\bp\s*3\s*k\b", " pppk "),
        (r"\bpk\s*5\b", " pkl "),
        (r"\bk\s*-?\s*5\b|\bkaki\s*5\b", " kaki lima "),
        (r"&|\+", " dan "),
        (r"\bon\s+line\b", " online "),
        (r"\btuna\s*-?\s*(netra|rungu|wicara|daksa|grahita)\b", r" tuna\1 "),
        (r"\bpos\s+yandu\b", " posyandu "),
        (r"\bdasa\s+wisma\b", " dasawisma "),
        (r"\bbudi\s+daya\b", " budidaya "),
        (r"\bbaby\s+sitter\b", " babysitter "),
        (r"\bspeed\s+boat\b", " speedboat "),
        (r"\bhome\s+industr(?:i|y)\b", " home industri "),
        (r"\bad\s*-?\s*hoc\b", " adhoc "),
        (r"\bnon\s*-\s*", " non "),
        (r"\bbarber\s+shop\b", " barbershop "),
        (r"\bpick\s*-?\s*up\b", " pickup "),
        (r"\bal\s*-?\s*qur'?an\b", " alquran "),
    )
)

# "Kel. Sukamaju", "Jl. Merdeka", "PT Maju": the word and the name after it identify a place.
# fmt: off
_ADMIN_WORDS = frozenset({
    "kel", "kelurahan", "ds", "dsn", "dusun", "kec", "kecamatan", "kab", "kabupaten", "kp",
    "kampung", "jl", "jln", "jalan", "gg", "gang", "perum", "perumahan", "blok", "no", "nomor",
    "pt", "cv", "ud", "di", "wilayah", "wil", "kompleks", "komplek", "kav", "rtrw",
})
# fmt: on
# "Masjid Al-Ikhlas", "Pasar Kliwon", "RT 03": the word carries meaning, the name after it not.
# fmt: off
_PLACE_WORDS = frozenset({
    "masjid", "musala", "langgar", "surau", "gereja", "pura", "vihara", "klenteng", "pasar",
    "terminal", "stasiun", "pelabuhan", "tpu", "makam", "pemakaman", "sekolah", "sd", "smp", "sma",
    "smk", "mi", "mts", "tpq", "tpa", "madin", "madrasah", "ponpes", "pondok", "pesantren",
    "posyandu", "paud", "tk", "pangkalan", "desa", "kota", "rt", "rw", "rk", "lingkungan", "tps",
    "kantor", "pabrik", "kelompok", "pos", "gudang", "dermaga", "bandara", "alun", "dinas",
    "puskesmas", "balai",
})
# Words that never change what the job is.
_STOPWORDS = frozenset({
    "dan", "atau", "serta", "yang", "sebagai", "sbg", "selaku", "merangkap", "sekaligus", "juga",
    "ke", "dari", "dgn", "dengan", "untuk", "utk", "pada", "bekerja", "pekerjaan", "profesi",
    "status", "jenis", "dll", "dsb",
})
# fmt: on
_ANY_PHRASE = re.compile("|".join(f"(?:{p.pattern})" for p, _ in _PHRASES))
_APOSTROPHES = re.compile(r"['’‘`´]")
_WORD = re.compile(r"[a-z]+|\d+")
_SPLIT_ALNUM = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
_SEGMENT = re.compile(r"[,;()\[\]{}|:/\\]+")
# Abbreviations written with dots: "R.T.", "K.P.P.S", "r.t 03" — one letter, one dot, repeated.
_DOTTED = re.compile(r"\b[a-z](?:\.[a-z])+\.?(?![a-z])")


def _fold(text: str) -> str:
    """Lower case, accents off, apostrophes glued ("ta'mir" → "tamir")."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text)
    return _DOTTED.sub(lambda m: m.group(0).replace(".", "") + " ", text)


def _words(segment: str) -> list[str]:
    words: list[str] = []
    for raw in _WORD.findall(segment):
        # Numbers ("RT 03", "No. 12") and stray letters never carry the occupation.
        if raw.isdigit() or len(raw) == 1:
            continue
        words.extend(w for w in _CANONICAL.get(raw, raw).split() if w not in _STOPWORDS)
    return words


def _drop_places(words: list[str], vocabulary: frozenset[str]) -> list[str]:
    """Drop the proper name after a place word ("masjid al ikhlas" → "masjid"), and admin words
    ("kel sukamaju") with their name; a word the taxonomy knows ends the name."""
    kept: list[str] = []
    skipping = False
    for word in words:
        if skipping and word not in vocabulary:
            continue
        skipping = False
        if word in _ADMIN_WORDS:
            skipping = True
            continue
        if word in _PLACE_WORDS:
            skipping = True
        kept.append(word)
    return kept


def _normalize(text: str, vocabulary: frozenset[str]) -> str:
    folded = _fold(text)
    if _ANY_PHRASE.search(folded):
        for pattern, replacement in _PHRASES:
            folded = pattern.sub(replacement, folded)
    folded = _SPLIT_ALNUM.sub(" ", folded)
    words = [w for segment in _SEGMENT.split(folded) for w in _words(segment)]
    # Place names are dropped over the whole text, not per segment: the result is one line of
    # words, and normalising it again must give the same key ("MI [ß" → "mi", twice).
    return " ".join(_drop_places(words, vocabulary))


# --- keyword rules -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rule:
    code: str
    pattern: re.Pattern[str]
    # A weak rule names a generic word ("buruh", "pedagang", "sopir", "honorer"): it only counts
    # when no strong rule recognises anything in the text.
    weak: bool = False
    unless: re.Pattern[str] | None = None
    # The literal words of the pattern: it can only match a text that has one of them. Checking
    # that first spares most regex searches.
    words: frozenset[str] = frozenset()


def _rule(code: str, words: str, *, weak: bool = False, unless: str | None = None) -> _Rule:
    return _Rule(
        code=code,
        pattern=re.compile(rf"\b(?:{words})\b"),
        weak=weak,
        unless=re.compile(rf"\b(?:{unless})\b") if unless else None,
        words=frozenset(re.findall(r"[a-z]{2,}", words.replace(r"\w", " "))),
    )


# Each pattern is matched against the normalised text (lower case, canonical spellings, single
# spaces). All rules are tried; if the strong hits (or, without any, the weak hits) name more than
# one category after _YIELDS, the text is a conflict and stays unclassified.
_RULES: tuple[_Rule, ...] = (
    _rule(
        "ketua_rt_rw",
        r"(?:ketua|wakil ketua|pengurus|sekretaris|sekertaris|bendahara|pak|bu"
        r"|kepala) (?:rt|rw|rk)|^(?:rt|rw|rk)(?: (?:rt|rw|rk))*$|(?:kepala|ketua) lingkungan"
        r"|kaling|kepling|rukun (?:tetangga|warga)",
    ),
    _rule("kader", r"kader|jumantik|posyandu|posbindu|pkk|dasawisma|ppkbd|tim pendamping keluarga"),
    _rule("linmas", r"linmas|satlinmas|kasatlinmas|hansip|perlindungan masyarakat"),
    _rule(
        "penjaga_keamanan",
        r"satpam|sekuriti|security|penjaga malam|jaga malam|peronda|ronda"
        r"|siskamling|penjaga keamanan|petugas keamanan|keamanan (?:lingkungan|pasar|kampung)",
    ),
    _rule(
        "adhoc_kpu",
        r"kpu|kpps|pps|ppk|pantarlih|panitia pemilihan|panitia pemungutan"
        r"|penyelenggara pemungutan|pemutakhiran data pemilih|(?:petugas|anggota|ketua) tps",
    ),
    _rule(
        "adhoc_bawaslu",
        r"bawaslu|panwascam|panwaslu|panwas|pkd|ptps|pengawas tps"
        r"|pengawas (?:pemilu|kelurahan|desa|kecamatan)",
    ),
    _rule("ojek_pangkalan", r"ojek|opang"),
    _rule(
        "ojek_online",
        r"ojol|ojek (?:online|ol|daring)|gojek|grab|maxim|indrive|indriver"
        r"|gocar|grabcar|grabbike|gofood|grabfood|shopeefood|shopee food|taksi online|taxi online"
        r"|taksol|sopir (?:online|ol|daring)|transportasi online|mitra (?:gojek|grab|maxim)",
    ),
    _rule("becak", r"becak|bentor|betor"),
    _rule(
        "sopir_angkot",
        r"angkot|angkutan (?:kota|umum|desa|pedesaan|perdesaan|penumpang)"
        r"|angdes|angkudes|mikrolet|oplet|bemo|sudako|pete pete|trayek|bus kota",
    ),
    _rule("sopir", r"sopir", weak=True),
    _rule("kernet", r"kernet|kenek|knek|kondektur|kenet"),
    _rule(
        "kurir",
        r"kurir|ekspedisi|jasa (?:antar|kirim|pengiriman)|pengantar (?:barang|paket"
        r"|galon|gas|air|makanan|koran|susu|surat)|delivery|jnt|jne|sicepat|anteraja"
        r"|shopee express|lion parcel|logistik|loper",
    ),
    _rule("kusir", r"kusir|delman|andong|dokar|sado|bendi|cidomo|sais"),
    _rule(
        "tukang_perahu",
        r"perahu|sampan|getek|gethek|tambangan|motoris|klotok|kelotok"
        r"|speedboat|penyeberangan|juru mudi",
    ),
    _rule("tukang_parkir", r"parkir|parkiran|jukir|parking"),
    _rule(
        "pengatur_lalu_lintas",
        r"pak ogah|ogah|polisi cepek|polcep|supeltas|lalu lintas"
        r"|pengatur (?:jalan|putaran)|penyeberang jalan",
        unless=r"polantas|satlantas|polri|polisi (?!cepek)",
    ),
    _rule(
        "pedagang_keliling",
        r"asongan|asong|pengasong|mlijo|penjaja|jamu gendong"
        r"|(?:pedagang|penjual|jualan|dagang|bakul) keliling|tukang (?:sayur|jamu|bakso|sate"
        r"|roti|es|bubur|siomay|cilok|kue|mie|gorengan|kerupuk|martabak|cendol|tahu|buah)",
    ),
    _rule("pedagang_keliling", r"keliling|ider", weak=True),
    _rule("pkl", r"pkl|kaki lima|angkringan|lesehan|warung tenda"),
    _rule(
        "umkm",
        r"umkm|ukm|umk|usaha mikro|usaha kecil|pelaku usaha|ikm|industri kecil|warung"
        r"|kelontong|pedagang pasar|bakul pasar|home industri|usaha rumahan|olshop|online shop"
        r"|(?:pedagang|penjual|jualan) online|reseller|katering|catering",
    ),
    _rule("umkm", r"pedagang|dagang|berdagang|jualan|berjualan|penjual|bakul", weak=True),
    _rule(
        "tukang_pijat",
        r"pijat|pemijat|(?:tukang|dukun|ahli|juru) urut|masseur|massage|masase"
        r"|refleksi",
    ),
    _rule("penjahit", r"penjahit|jahit|menjahit|obras|permak|vermak|konveksi|tailor"),
    _rule("tukang_cukur", r"cukur|pangkas|barber|barbershop|potong rambut|penata rambut|salon"),
    _rule(
        "tukang_servis",
        r"montir|mekanik|bengkel|tambal ban|tukang tambal|servis|reparasi"
        r"|tukang las|juru las|tukang listrik|teknisi|sol sepatu|tukang sol|tukang kunci"
        r"|tukang jam|pandai besi",
        unless=r"cleaning",
    ),
    _rule(
        "asisten_rumah_tangga",
        r"(?:asisten|pembantu|pekerja|buruh) rumah tangga"
        r"|art|prt|pramuwisma|babysitter|pengasuh (?:anak|bayi|balita|lansia|jompo)|buruh cuci"
        r"|tukang cuci|cuci gosok|cuci setrika|tukang setrika|tukang kebun|rewang",
        unless=r"motor|mobil|kendaraan",  # "tukang cuci motor" washes vehicles
    ),
    _rule("asisten_rumah_tangga", r"pembantu", weak=True),
    _rule(
        "petugas_kebersihan",
        r"kebersihan|sampah|penyapu|tukang sapu|sapu jalan|pasukan kuning"
        r"|pasukan oranye|ppsu|cleaning|dlh|pertamanan|petugas taman|pembersih jalan",
    ),
    _rule(
        "pemulung",
        r"pemulung|memulung|mulung|rongsok|rongsokan|rosok|barang bekas"
        r"|pemilah sampah|botot",
    ),
    _rule(
        "perajin",
        r"perajin|kerajinan|pembatik|membatik|canting|penenun|pengukir"
        r"|pekerja rumahan|(?:buruh|tukang|pekerja) (?:batik|cap batik|tenun|anyaman|gerabah"
        r"|ukir|bambu)",
    ),
    _rule(
        "petani",
        r"petani|pekebun|tani|bertani|penggarap|peladang|berkebun|bercocok tanam"
        r"|kelompok tani|poktan|gapoktan|perkebunan|sawah|hortikultura",
    ),
    _rule("petani_tembakau", r"(?:petani|tani|pekebun|penanam|bertani|kebun) (?:tembakau|mbako)"),
    _rule(
        "buruh_tani",
        r"buruh(?: harian)?(?: lepas)? (?:tani|tandur|derep|panen|macul|sawah|kebun|perkebunan"
        r"|petik|tanam|pertanian|tebu|tebang tebu|matun|sawit|karet|teh|kopi|kakao|cengkeh)"
        r"|tandur|derep|matun|penebang tebu|tebang tebu|pekerja tani|tenaga tani"
        r"|pemetik (?:teh|kopi|cengkeh|daun teh)",
    ),
    _rule(
        "buruh_tani_tembakau",
        r"(?:buruh|kuli|pekerja|tenaga)(?: \w+)? (?:tembakau|mbako)"
        r"|(?:perajang|rajang|rajangan|ngrajang|sujen|nyujen|petik) (?:tembakau|mbako)"
        r"|buruh (?:rajang|ngrajang|sujen)",
    ),
    _rule(
        "penderes",
        r"penderes|deres|nderes|penyadap|sadap|nyadap|nira|aren|getah pinus"
        r"|pemanjat kelapa",
    ),
    _rule("peternak", r"peternak|ternak|beternak|peternakan|angon|pengangon|penggembala|gembala"),
    _rule(
        "nelayan",
        r"nelayan|melaut|abk|anak buah kapal|pencari (?:ikan|kerang|udang|kepiting)"
        r"|penangkap ikan|perikanan",
    ),
    _rule(
        "pembudidaya_ikan",
        r"pembudidaya|budidaya|pembudi daya|petambak|tambak|keramba"
        r"|karamba|kja|empang|rumput laut|(?:peternak|petani|kolam) (?:ikan|lele|udang"
        r"|bandeng|nila|gurame|patin|kerapu)",
    ),
    _rule(
        "petambak_garam",
        r"(?:petambak|petani|tambak|buruh|pembuat|produsen|pekerja) garam"
        r"|pegaram",
    ),
    _rule(
        "buruh_harian_lepas",
        r"buruh|kuli|serabutan|harian lepas|buruh lepas|pekerja lepas"
        r"|pekerja harian|tenaga harian|freelance|buruh kasar",
        weak=True,
        unless=r"pabrik|industri|swasta|perusahaan|kantor|bumn|bumd|migran|tki|tkw",
    ),
    _rule(
        "kuli_bangunan",
        r"bangunan|tukang batu|tukang kayu|kenek tukang|kernet tukang|laden"
        r"|proyek|konstruksi|tukang cor|tukang cat|tukang besi",
    ),
    _rule(
        "kuli_panggul",
        r"panggul|kuli angkut|buruh angkut|tukang angkut|buruh gendong|porter"
        r"|kuli pasar|buruh pasar|kuli pelabuhan|bongkar muat|tkbm|pikul|manol|kuli barang",
    ),
    _rule(
        "buruh_pabrik_rokok",
        r"(?:buruh|karyawan|pekerja|pegawai|tenaga)(?: pabrik)? (?:rokok"
        r"|sigaret|kretek)|pabrik rokok|linting|pelinting|buruh skt|batil|bathil"
        r"|giling rokok|buruh giling|buruh mps",
    ),
    _rule(
        "marbot",
        r"marbot|takmir|dkm|muadzin|muazin|bilal|koster|nadzir masjid"
        r"|(?:imam|penjaga|pengurus|kaum) (?:masjid|musala|langgar|surau|gereja|pura|vihara"
        r"|klenteng)",
    ),
    _rule(
        "lebe_modin",
        r"lebe|modin|amil|kayim|pembantu pegawai pencatat nikah"
        r"|pembantu penghulu|petugas keagamaan",
    ),
    _rule(
        "penggali_kubur",
        r"penggali (?:kubur|makam)|gali kubur|gali makam|tukang kubur|kubur|makam|kuncen"
        r"|juru kunci|pemakaman|tpu",
    ),
    _rule("pemulasara_jenazah", r"jenazah|pemulasara|pemulasaraan|rukti|pemandi mayat"),
    _rule(
        "guru_informal",
        r"ustadz|ngaji|tpq|madin|diniyah|diniah|pkbm|tutor|alquran"
        r"|(?:guru|pengajar|pendidik|tenaga pendidik) (?:tpa|tka|paud|tk|les|privat|informal"
        r"|non formal|nonformal|kober|ra)",
    ),
    _rule(
        "relawan_sosial",
        r"tagana|psm|pekerja sosial masyarakat|tksk|destana|tim sar"
        r"|desa tangguh bencana|relawan (?:sosial|bencana|bpbd|damkar)",
    ),
    _rule("relawan_sosial", r"relawan|sukarelawan", weak=True),
    _rule(
        "pegawai_non_asn",
        r"non asn|non pns|honorer|tenaga kontrak|pegawai kontrak"
        r"|tenaga kerja kontrak|thl|ptt|tkk|pegawai tidak tetap|penjaga sekolah"
        r"|tenaga harian lepas dinas",
        weak=True,
    ),
    _rule(
        "pekerja_seni",
        r"seniman|pekerja seni|dalang|sinden|pesinden|penari|pengrawit|niyaga"
        r"|wiyaga|pengamen|musisi|pemusik|pemain musik|penyanyi|pelawak|penabuh|karawitan"
        r"|kuda lumping|jaranan|reog|kesenian",
    ),
)

# When both categories are recognised, the left one gives way to the more specific right ones
# ("petani tembakau" is a tobacco farmer, not just a farmer).
_YIELDS: dict[str, frozenset[str]] = {
    "ojek_pangkalan": frozenset({"ojek_online", "tukang_perahu"}),
    "sopir_angkot": frozenset({"kernet"}),
    "kernet": frozenset({"kuli_bangunan"}),
    "kurir": frozenset({"ojek_online"}),
    "petani": frozenset(
        {
            "petani_tembakau",
            "buruh_tani",
            "buruh_tani_tembakau",
            "penderes",
            "pembudidaya_ikan",
            "petambak_garam",
        }
    ),
    "petani_tembakau": frozenset({"buruh_tani_tembakau"}),
    "buruh_tani": frozenset({"buruh_tani_tembakau"}),
    "nelayan": frozenset({"pembudidaya_ikan", "petambak_garam"}),
    "tukang_perahu": frozenset({"nelayan"}),
    "pembudidaya_ikan": frozenset({"petambak_garam"}),
    # "Buruh"/"kuli"/"serabutan" is the most generic word of all: any other category wins.
    "buruh_harian_lepas": frozenset(c.code for c in TAXONOMY) - {"buruh_harian_lepas"},
    "peternak": frozenset({"pembudidaya_ikan"}),
    "umkm": frozenset({"pedagang_keliling", "pkl"}),
    "petugas_kebersihan": frozenset({"pemulung"}),
    "kuli_panggul": frozenset({"buruh_tani_tembakau"}),
    "penggali_kubur": frozenset({"pemulasara_jenazah"}),
    "adhoc_kpu": frozenset({"linmas", "adhoc_bawaslu"}),
}

# Words that say "not pekerja rentan" (or too little); checked when no rule recognises the text.
_EXCLUDED_WORDS = re.compile(
    r"\b(?:(?<!non )pns|(?<!non )asn|pppk|tni|polri|polisi|tentara|pensiunan|purnawirawan"
    r"|pelajar|mahasiswa|siswa|santri|ibu rumah tangga|irt|mengurus rumah tangga|belum bekerja"
    r"|tidak bekerja|pengangguran|karyawan|pegawai swasta|buruh pabrik|perangkat desa"
    r"|kepala desa|kades|sekdes|sekretaris desa|kepala dusun|kadus|lurah|camat|dprd|dokter"
    r"|bidan|dosen|wiraswasta|wirausaha)\b"
)

# --- classification ------------------------------------------------------------------------------

MatchKind = Literal["synonym", "fuzzy", "unclassified"]

#: A whole-text fuzzy match needs this score (0–100) ...
FUZZY_CUTOFF = 86.0
#: ... and this lead over the best synonym of any other category (or of an exclusion).
FUZZY_MARGIN = 6.0
_EXCLUDED_CODE = ""  # stands for EXCLUDED among the fuzzy candidates


@dataclass(frozen=True, slots=True)
class OccupationResult:
    """How one occupation text was classified.

    ``code`` is None exactly when ``match == "unclassified"``. ``score`` is 100 for a known
    spelling or a rule, the similarity (0–100) for a fuzzy match, and for an unclassified text the
    best similarity found (100 when it is a deliberate exclusion). ``matched`` is the synonym key
    or rule keyword that decided; for an unclassified text the exclusion it hit, or the conflicting
    keywords joined by " + ", else None.
    """

    code: str | None
    match: MatchKind
    score: float
    matched: str | None


_UNCLASSIFIED = OccupationResult(None, "unclassified", 0.0, None)


def _raw_words(text: str) -> list[str]:
    folded = _fold(text)
    for pattern, replacement in _PHRASES:
        folded = pattern.sub(replacement, folded)
    return _words(_SPLIT_ALNUM.sub(" ", folded))


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Every word a national synonym, exclusion or rule uses. Fixed per release, so that
    :func:`synonym_key` does not depend on the synonyms a kab/kota has added."""
    words: set[str] = set().union(*(rule.words for rule in _RULES))
    for spec in TAXONOMY:
        for synonym in spec.synonyms:
            words.update(_raw_words(synonym))
    for text in EXCLUDED:
        words.update(_raw_words(text))
    return frozenset(words - _STOPWORDS)


def normalize_occupation(text: str) -> str:
    """The comparable form of an occupation text.

    Lower case without accents or punctuation; abbreviations and spellings folded ("Tkg." →
    "tukang", "supir" → "sopir", "mushola" → "musala"); numbers and place names dropped where they
    only say where ("Ketua RT 03" → "ketua rt", "Marbot Masjid Al-Ikhlas" → "marbot masjid",
    "Kel. Sukamaju" → "").
    """
    return _normalize(text, _vocabulary())


def synonym_key(text: str) -> str:
    """What the database stores for a synonym a kab/kota admin adds: the classifier's normal form,
    so that "Tkg. Ojek Pangkalan" matches "tkg ojek pangkalan"."""
    return normalize_occupation(text)


@dataclass(frozen=True, slots=True)
class _Index:
    synonyms: dict[str, str]  # key → code
    excluded: frozenset[str]
    vocabulary_by_initial: dict[str, tuple[str, ...]]
    vocabulary_set: frozenset[str]
    # Fuzzy candidates, sorted by code so that each code's columns are contiguous: the synonym
    # keys (and the exclusions, under code ""), the same without spaces, and where codes start.
    choices: tuple[str, ...]
    choices_compact: tuple[str, ...]
    group_starts: npt.NDArray[np.intp]
    group_codes: tuple[str, ...]


@lru_cache(maxsize=1)
def _national_synonyms() -> dict[str, str]:
    keys: dict[str, str] = {}
    for spec in TAXONOMY:
        for synonym in spec.synonyms:
            key = synonym_key(synonym)
            if key:
                keys.setdefault(key, spec.code)
    return keys


@lru_cache(maxsize=1)
def _excluded_keys() -> frozenset[str]:
    return frozenset(k for k in map(synonym_key, EXCLUDED) if k)


@lru_cache(maxsize=32)  # one per kab/kota whose lists are being imported
def _build_index(local_items: tuple[tuple[str, str], ...]) -> _Index:
    local = dict(local_items)
    synonyms = dict(_national_synonyms())
    synonyms.update(local)  # local synonyms win over national ones
    excluded = _excluded_keys() - local.keys()
    vocabulary = set(_vocabulary())
    for key in local:
        vocabulary.update(key.split())
    candidates = sorted(
        [(code, key) for key, code in synonyms.items()] + [(_EXCLUDED_CODE, k) for k in excluded]
    )
    starts = [i for i, (code, _) in enumerate(candidates) if i == 0 or candidates[i - 1][0] != code]
    return _Index(
        synonyms=synonyms,
        excluded=excluded,
        vocabulary_by_initial={
            initial: tuple(sorted(w for w in vocabulary if w[0] == initial))
            for initial in {w[0] for w in vocabulary}
        },
        vocabulary_set=frozenset(vocabulary),
        choices=tuple(k for _, k in candidates),
        choices_compact=tuple(k.replace(" ", "") for _, k in candidates),
        group_starts=np.array(starts, dtype=np.intp),
        group_codes=tuple(candidates[i][0] for i in starts),
    )


def _apply_rules(key: str) -> tuple[dict[str, str], dict[str, str]]:
    """The categories the rules recognise in a normalised text: (strong, weak) code → keyword."""
    strong: dict[str, str] = {}
    weak: dict[str, str] = {}
    present = frozenset(key.split())
    for rule in _RULES:
        if rule.words.isdisjoint(present):
            continue
        found = rule.pattern.search(key)
        if found is None or (rule.unless is not None and rule.unless.search(key)):
            continue
        target = weak if rule.weak else strong
        target.setdefault(rule.code, found.group(0))
    return strong, weak


def _rule_hits(key: str) -> tuple[list[str], dict[str, str]]:
    """The categories the rules name (sorted), after specific ones have overruled generic ones,
    and the keyword each rule matched."""
    strong, weak = _apply_rules(key)
    hits = strong or weak
    return sorted(c for c in hits if not (_YIELDS.get(c, frozenset()) & hits.keys())), hits


def rule_codes(key: str) -> frozenset[str]:
    """The categories the keyword rules name for a normalised text (empty: no rule applies; two
    or more: a conflict)."""
    return frozenset(_rule_hits(key)[0])


def _classify_exact(key: str, index: _Index) -> OccupationResult | None:
    """Steps that need no similarity: synonyms, exclusions, rules. None when nothing applies."""
    if not key:
        return _UNCLASSIFIED
    code = index.synonyms.get(key)
    if code is not None:
        return OccupationResult(code, "synonym", 100.0, key)
    if key in index.excluded:
        return OccupationResult(None, "unclassified", 100.0, key)
    codes, hits = _rule_hits(key)
    if len(codes) == 1:
        return OccupationResult(codes[0], "synonym", 100.0, hits[codes[0]])
    if len(codes) > 1:
        return OccupationResult(None, "unclassified", 0.0, " + ".join(hits[c] for c in codes))
    excluded = _EXCLUDED_WORDS.search(key)
    if excluded is not None:
        return OccupationResult(None, "unclassified", 100.0, excluded.group(0))
    return None


def _max_typos(word: str) -> int:
    # Two typos only in long words: "presiden" is two edits from "pesinden", a real job.
    return 1 if len(word) <= 8 else 2


@dataclass(frozen=True, slots=True)
class _Correction:
    text: str
    # An unknown word had more than one known word within reach ("tembako": "tembak" at one
    # typo, "tembakau" at two), so what the text means is uncertain.
    unresolved: bool


def _correct_words(key: str, index: _Index) -> _Correction:
    """Replace each unknown word by the nearest known word within 1–2 typos of it (same first
    letter; of equally near words, the most similar one). A word with no such neighbour is left
    alone (a name, a word we don't know); one with two equally good neighbours too."""
    words = key.split()
    unresolved = False
    for i, word in enumerate(words):
        if len(word) < 4 or word in index.vocabulary_set:
            continue
        same_initial = index.vocabulary_by_initial.get(word[0], ())
        found = process.extract(
            word, same_initial, scorer=OSA.distance, score_cutoff=_max_typos(word), limit=None
        )
        near: list[tuple[str, int]] = [(w, int(d)) for w, d, _ in found if len(w) >= 3]
        if not near:
            continue
        fewest = min(d for _, d in near)
        ranked = sorted(
            ((fuzz.ratio(word, w), w) for w, d in near if d == fewest), key=lambda x: (-x[0], x[1])
        )
        unresolved = unresolved or len(near) > 1
        if len(ranked) == 1 or ranked[0][0] != ranked[1][0]:
            words[i] = ranked[0][1]
    return _Correction(" ".join(words), unresolved)


def _recheck_typos(key: str, result: OccupationResult, index: _Index) -> OccupationResult:
    """A rule recognised ``key``; see whether its misspelt words change the answer."""
    correction = _correct_words(key, index)
    again = _classify_exact(correction.text, index) if correction.text != key else None
    if again is not None and again.code != result.code:
        if again.code is None:
            return again
        return OccupationResult(
            again.code, "fuzzy", _similarity(key, correction.text), again.matched
        )
    if correction.unresolved:
        # Don't vouch for a text we only half understand: the rule's answer, for review.
        return OccupationResult(result.code, "fuzzy", _known_share(key, index), result.matched)
    return result


def _similarity(a: str, b: str) -> float:
    return round(float(fuzz.ratio(a, b)), 1)


def _known_share(key: str, index: _Index) -> float:
    """The share (0–100) of the text's letters that are in known words."""
    words = key.split()
    known = sum(len(w) for w in words if w in index.vocabulary_set)
    return round(100.0 * known / max(1, sum(map(len, words))), 1)


def _classify_fuzzy(keys: list[str], index: _Index) -> dict[str, OccupationResult]:
    """Whole-text similarity against every synonym, for the texts nothing else recognised.

    The score of a pair is the better of a word-order-free comparison (token_sort_ratio) and a
    comparison with spaces removed ("tukangojek"); a category's score is its best synonym's.
    """
    if not keys or not index.choices:
        return dict.fromkeys(keys, _UNCLASSIFIED)
    scores = np.maximum(
        process.cdist(keys, index.choices, scorer=fuzz.token_sort_ratio, dtype=np.float32),
        process.cdist(
            [k.replace(" ", "") for k in keys],
            index.choices_compact,
            scorer=fuzz.ratio,
            dtype=np.float32,
        ),
    )
    per_code = np.maximum.reduceat(scores, index.group_starts, axis=1)
    best_group = per_code.argmax(axis=1)
    rows = np.arange(len(keys))
    best = per_code[rows, best_group]
    others = per_code.copy()
    others[rows, best_group] = -1.0
    runner_up = others.max(axis=1) if per_code.shape[1] > 1 else np.zeros(len(keys))
    ends = [*index.group_starts[1:].tolist(), len(index.choices)]

    results: dict[str, OccupationResult] = {}
    for row, key in enumerate(keys):
        group = int(best_group[row])
        code = index.group_codes[group]
        score = round(float(best[row]), 1)
        start = int(index.group_starts[group])
        choice = index.choices[start + int(scores[row, start : ends[group]].argmax())]
        if score < FUZZY_CUTOFF:
            results[key] = OccupationResult(None, "unclassified", score, None)
        elif code == _EXCLUDED_CODE:
            results[key] = OccupationResult(None, "unclassified", score, choice)
        elif score - float(runner_up[row]) < FUZZY_MARGIN:
            results[key] = OccupationResult(None, "unclassified", score, None)
        else:
            results[key] = OccupationResult(code, "fuzzy", score, choice)
    return results


def classify_occupations(
    texts: Iterable[str], *, extra_synonyms: Mapping[str, str] | None = None
) -> dict[str, OccupationResult]:
    """Classify each distinct text: ``{text: OccupationResult}``.

    ``extra_synonyms`` maps a synonym key (see :func:`synonym_key`; other spellings are normalised
    here) to a category code — the synonyms a kab/kota admin added; they win over national ones.
    Texts are handled once per distinct normal form, so a million-row import with a few hundred
    distinct occupations costs a few hundred classifications.
    """
    local = {synonym_key(text): code for text, code in (extra_synonyms or {}).items()}
    local.pop("", None)
    index = _build_index(tuple(sorted(local.items())))

    keys: dict[str, str] = {}
    for text in texts:
        if text not in keys:
            keys[text] = normalize_occupation(text) if isinstance(text, str) else ""

    by_key: dict[str, OccupationResult] = {}
    pending: list[str] = []
    for key in dict.fromkeys(keys.values()):
        result = _classify_exact(key, index)
        if result is None:
            pending.append(key)
        elif result.match == "synonym" and key not in index.synonyms:
            # A rule matched, but a misspelt word may hide a more specific category: "kuli
            # bangnan" is a construction labourer, not the generic "kuli".
            by_key[key] = _recheck_typos(key, result, index)
        else:
            by_key[key] = result

    # Typos: correct word by word, then the exact steps again (marked fuzzy: a human checks).
    still_pending: list[str] = []
    corrected_of: dict[str, str] = {}
    for key in pending:
        corrected = _correct_words(key, index).text
        result = _classify_exact(corrected, index) if corrected != key else None
        if result is None:
            still_pending.append(key)
            corrected_of[key] = corrected
        elif result.code is None:
            by_key[key] = result
        else:
            score = _similarity(key, corrected)
            by_key[key] = OccupationResult(result.code, "fuzzy", score, result.matched)

    fuzzy = _classify_fuzzy([corrected_of[k] for k in still_pending], index)
    for key in still_pending:
        by_key[key] = fuzzy[corrected_of[key]]

    return {text: by_key[key] for text, key in keys.items()}


def classify_occupation(
    text: str, *, extra_synonyms: Mapping[str, str] | None = None
) -> OccupationResult:
    """One text; see :func:`classify_occupations`."""
    return classify_occupations([text], extra_synonyms=extra_synonyms)[text]
