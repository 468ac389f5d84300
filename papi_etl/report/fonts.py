"""The serif font the PDF embeds and every table's widths are measured with.

Nghị định 30/2020/NĐ-CP sets Times New Roman. A PDF must embed its font, and Times New Roman
is not installed on a Linux server nor ours to ship; Liberation Serif 2 (Debian's
`fonts-liberation2`, SIL Open Font Licence) has the same metrics, so a line breaks where it
would in Times New Roman and the PDF has the pages the Word document has, and it has every
Vietnamese letter. Liberation Serif 1 (Debian's `fonts-liberation`, pulled in by Chromium)
has the same name but lacks the letters with horn and hook (ơ, ư, ả, ự...): a font is
only taken when it has them all. Where neither is found, DejaVu Serif (shipped with
matplotlib) stands in, with a warning: the report is still made, but not in the form the
decree sets.

The DOCX names Times New Roman and leaves the choice to Word or LibreOffice; its tables are
measured with the font found here, whose widths are those of Times New Roman.
"""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

LOGGER = logging.getLogger(__name__)

STYLES = ("regular", "bold", "italic", "bold_italic")
# Every lower-case letter of Vietnamese that is not in Latin-1, and the capitals of the
# two with a horn: a font without one of them would print a box in a unit's name.
VIETNAMESE = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐƠƯ"


@dataclass(frozen=True)
class Family:
    """A font family as the PDF names it, with the file of each style."""

    name: str
    files: dict[str, Path]

    def face(self, style: str) -> str:
        """The registered name of a style: "LiberationSerif-Bold"."""
        suffix = {"regular": "", "bold": "-Bold", "italic": "-Italic"}
        return self.name + suffix.get(style, "-BoldItalic")


# Candidates in order of preference: the family name in the PDF and the file names of its
# regular, bold, italic and bold italic faces.
_CANDIDATES = (
    (
        "TimesNewRoman",
        (
            ("times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf"),
            (
                "Times_New_Roman.ttf",
                "Times_New_Roman_Bold.ttf",
                "Times_New_Roman_Italic.ttf",
                "Times_New_Roman_Bold_Italic.ttf",
            ),
        ),
    ),
    (
        "LiberationSerif",
        (
            (
                "LiberationSerif-Regular.ttf",
                "LiberationSerif-Bold.ttf",
                "LiberationSerif-Italic.ttf",
                "LiberationSerif-BoldItalic.ttf",
            ),
        ),
    ),
)


def _folders() -> list[Path]:
    """Where fonts are installed: the XDG folders, then Windows' and macOS' own."""
    home = Path.home()
    found = [
        home / ".local" / "share" / "fonts",
        home / ".fonts",
        Path("/usr/local/share/fonts"),
        Path("/usr/share/fonts"),
        Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts",
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts/Supplemental"),
    ]
    return [folder for folder in found if folder.is_dir()]


def _has_vietnamese(path: Path) -> bool:
    try:
        font = TTFont(path.stem, str(path))
    except Exception:  # noqa: BLE001 - a broken or unreadable font file is just not a candidate
        return False
    return all(ord(letter) in font.face.charToGlyph for letter in VIETNAMESE)


def _find(names: tuple[str, ...], index: dict[str, list[Path]]) -> dict[str, Path] | None:
    """The four files, each with every Vietnamese letter (the first such copy of each)."""
    files: dict[str, Path] = {}
    for style, name in zip(STYLES, names, strict=True):
        usable = next((p for p in index.get(name.lower(), []) if _has_vietnamese(p)), None)
        if usable is None:
            return None
        files[style] = usable
    return files


def _fallback() -> Family:
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    names = ("DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic", "DejaVuSerif-BoldItalic")
    files = {style: folder / f"{name}.ttf" for style, name in zip(STYLES, names, strict=True)}
    return Family("DejaVuSerif", files)


@functools.cache
def serif() -> Family:
    """The serif family of the report, registered with reportlab (once per process)."""
    index: dict[str, list[Path]] = {}
    for folder in _folders():
        for path in sorted(folder.rglob("*.tt[fc]")):
            index.setdefault(path.name.lower(), []).append(path)
    family = None
    for name, spellings in _CANDIDATES:
        files = next((f for names in spellings if (f := _find(names, index))), None)
        if files is not None:
            family = Family(name, files)
            break
    if family is None:
        family = _fallback()
        LOGGER.warning(
            "Neither Times New Roman nor Liberation Serif 2 with Vietnamese letters is "
            "installed (Debian: apt-get install fonts-liberation2): the PDF uses %s instead.",
            family.name,
        )
    for style, path in family.files.items():
        pdfmetrics.registerFont(TTFont(family.face(style), str(path)))
    pdfmetrics.registerFontFamily(
        family.name,
        normal=family.face("regular"),
        bold=family.face("bold"),
        italic=family.face("italic"),
        boldItalic=family.face("bold_italic"),
    )
    return family


def width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` in points, in the report's serif at `size` points."""
    family = serif()
    return pdfmetrics.stringWidth(text, family.face("bold" if bold else "regular"), size)
