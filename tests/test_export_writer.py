"""The one XLSX writer (elearn/exports.py) on what real exports hold: repeated column names,
no rows at all, long answers, NIPs, and names a worksheet cannot carry."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from elearn.exports import XLSX_MAX_TEXT, xlsx_bytes


def read(data):
    sheet = load_workbook(io.BytesIO(data)).active
    return sheet, [[c.value for c in row] for row in sheet.iter_rows()]


def test_two_questions_with_the_same_text_keep_both_columns():
    _, rows = read(xlsx_bytes(["NIP", "Komentar", "Komentar"], [["1990", "baik", "cukup"]], "S"))
    assert rows == [["NIP", "Komentar", "Komentar (2)"], ["1990", "baik", "cukup"]]


def test_an_export_without_rows_still_names_its_columns():
    _, rows = read(xlsx_bytes(["NIP", "Nama"], iter([]), "Tim"))
    assert rows == [["NIP", "Nama"]]


def test_nips_stay_text_numbers_stay_numbers_and_empty_cells_stay_empty():
    row = [199001012015011001, 4, Decimal("87.5"), None]
    data = xlsx_bytes(["NIP", "JP", "Nilai", "Catatan"], [row], "S", text_columns={0})
    sheet, rows = read(data)
    assert rows[1] == ["199001012015011001", 4, 87.5, None]
    assert [c.data_type for c in sheet[2]][:3] == ["s", "n", "n"]


def test_text_longer_than_a_cell_holds_is_cut_and_the_file_still_opens():
    _, rows = read(xlsx_bytes(["Jawaban"], [["x" * 40000]], "S"))
    assert len(rows[1][0]) == XLSX_MAX_TEXT


def test_a_title_a_worksheet_cannot_carry_is_made_fit():
    sheet, _ = read(xlsx_bytes(["a"], [[1]], "Laporan [Q1/2026]: unit * bidang ? yang panjang"))
    assert sheet.title == "Laporan -Q1-2026-- unit - bidan"
