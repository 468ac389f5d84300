"""Reading a DOCX: Word's list numbering rendered into the text, tables kept as rows."""

import docx

from papi_etl.plan.importing.reading import read


def test_word_numbering_and_tables(tmp_path):
    document = docx.Document()
    document.add_paragraph("Nhiệm vụ thứ nhất.", style="List Number")
    document.add_paragraph("Nhiệm vụ thứ hai.", style="List Number")
    document.add_paragraph("Một ý của nhiệm vụ.", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = "TT"
    table.rows[0].cells[1].text = "Nhiệm vụ"
    merged = table.rows[1].cells[0].merge(table.rows[1].cells[1])
    merged.text = "I. THAM GIA CỦA NGƯỜI DÂN"
    document.save(tmp_path / "d.docx")
    lines = read(tmp_path / "d.docx")
    assert [line.text for line in lines[:3]] == [
        "1. Nhiệm vụ thứ nhất.",
        "2. Nhiệm vụ thứ hai.",
        "- Một ý của nhiệm vụ.",
    ]
    assert lines[3].cells == ("TT", "Nhiệm vụ") and lines[3].where_en == "table 1, row 1"
    assert lines[4].cells == ("I. THAM GIA CỦA NGƯỜI DÂN",)
    assert lines[0].where_vi == "đoạn 1"
