"""The workbook a kelurahan fills in: the columns Jaring reads without asking (their headers are
the words the column finder knows), the NIK and phone columns formatted as text so a
spreadsheet never turns a NIK into 3,57E+15, and a sheet of instructions in Indonesian."""

from __future__ import annotations

import io

import xlsxwriter

#: (header, width, text column): the headers as lists usually write them.
COLUMNS: tuple[tuple[str, int, bool], ...] = (
    ("NIK", 20, True),
    ("Nama", 28, False),
    ("Tempat Lahir", 16, False),
    ("Tanggal Lahir", 14, False),
    ("Jenis Kelamin", 13, False),
    ("Alamat", 30, False),
    ("RT/RW", 9, True),
    ("Desa/Kelurahan", 20, False),
    ("Kecamatan", 18, False),
    ("No HP", 16, True),
    ("Pekerjaan", 22, False),
)

INSTRUCTIONS: tuple[str, ...] = (
    "Cara mengisi daftar pekerja rentan",
    "1. Satu baris untuk satu orang, mulai baris 2 di lembar 'Daftar'. Jangan ubah judul kolom.",
    "2. NIK 16 angka sesuai KTP (kolom sudah berformat teks; jangan diberi spasi atau titik).",
    "3. Tanggal lahir ditulis hari-bulan-tahun, mis. 17-08-1980.",
    "4. Jenis kelamin: L atau P.",
    "5. Desa/kelurahan dan kecamatan ditulis namanya, mis. Bandar Lor, Mojoroto.",
    "6. Pekerjaan ditulis seperti yang disebut orangnya, mis. ojek pangkalan, buruh tani.",
    "7. No HP boleh kosong; tulis 08… atau +62….",
    "Simpan sebagai .xlsx lalu unggah di halaman Impor Jaring.",
)


def import_template() -> bytes:
    """The template workbook (xlsx)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBE7", "border": 1})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet("Daftar")
    for index, (header, width, as_text) in enumerate(COLUMNS):
        sheet.set_column(index, index, width, text if as_text else None)
        sheet.write_string(0, index, header, bold)
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet("Petunjuk")
    notes.set_column(0, 0, 100)
    for row, line in enumerate(INSTRUCTIONS):
        notes.write_string(row, 0, line, bold if row == 0 else None)
    book.close()
    return buffer.getvalue()
