"""The report's fonts: subsets of the system's Noto CJK, prepared once and reused by every PDF.

WeasyPrint embeds a subset of each font a document uses, and building that subset from the stock
Noto CJK (tens of thousands of glyphs) dominates the time of a PDF. So we cut each face once to a
fixed character set (ASCII and Latin-1, general and CJK punctuation, fullwidth forms, and every
character of GB2312 — which holds the 3,500 common characters and both of its levels), write the
result to `settings.REPORT_FONT_DIR` and point the print CSS at those files. The full system font
stays the second family of each stack, so a rare character outside the subset (a community name
with an uncommon character) is still printed, from the full font.

`prepare()` is idempotent: a face is rebuilt only when its file is missing (the file's name carries
a digest of the character set, the subsetter options and the source font, so a change rebuilds it).
Files are written to a temporary name and renamed, so concurrent workers never read half a font.
"""

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

# bump to rebuild every prepared face (subsetter options changed)
SUBSET_VERSION = "2"

# the CSS family names of the prepared subsets
SERIF = "Report Serif"
SANS = "Report Sans"


@dataclass(frozen=True)
class Face:
    key: str  # file name stem of the subset
    css_family: str  # the family the print CSS names
    system_family: str  # the fontconfig family of the full system font (the fallback)
    bold: bool


FACES = (
    Face("serif-regular", SERIF, "Noto Serif CJK SC", bold=False),
    Face("serif-bold", SERIF, "Noto Serif CJK SC", bold=True),
    Face("sans-regular", SANS, "Noto Sans CJK SC", bold=False),
    Face("sans-bold", SANS, "Noto Sans CJK SC", bold=True),
)

_RANGES = (
    (0x0020, 0x007F),  # ASCII
    (0x00A0, 0x0100),  # Latin-1 supplement (degree sign, middle dot, multiplication sign)
    (0x2000, 0x2070),  # general punctuation (dashes, curly quotes, per mille, ellipsis)
    (0x2100, 0x2200),  # letterlike symbols, number forms, arrows
    (0x2460, 0x24A0),  # circled numbers
    (0x3000, 0x3040),  # CJK symbols and punctuation
    (0xFF00, 0xFFF0),  # halfwidth and fullwidth forms
)


class FontsUnavailable(RuntimeError):
    """The system Noto CJK font is not installed (Debian: fonts-noto-cjk)."""


@cache
def charset() -> frozenset[int]:
    """The code points of the subsets: the ranges above and every character of GB2312."""
    codes: set[int] = set()
    for start, stop in _RANGES:
        codes.update(range(start, stop))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                text = bytes((high, low)).decode("gb2312")
            except UnicodeDecodeError:
                continue  # an unassigned position of the table
            codes.update(ord(c) for c in text)
    return frozenset(codes)


def font_dir() -> Path:
    default = Path(settings.BASE_DIR) / "var" / "fonts"
    return Path(getattr(settings, "REPORT_FONT_DIR", default))


@cache
def source_of(face: Face) -> tuple[Path, int]:
    """The system font file of a face and the index of its SC face in the collection."""
    style = "Bold" if face.bold else "Regular"
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise FontsUnavailable("fc-list (fontconfig) is not installed")
    out = subprocess.run(  # noqa: S603 - fixed arguments
        [fc_list, "-f", "%{file}|%{index}\n", f"{face.system_family}:style={style}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in sorted(out.splitlines()):
        file, _, index = line.partition("|")
        if file:
            return Path(file), int(index or 0)
    raise FontsUnavailable(f"{face.system_family} {style} is not installed (fonts-noto-cjk)")


def _digest(face: Face) -> str:
    path, index = source_of(face)
    stat = path.stat()
    text = f"{SUBSET_VERSION}|{path.name}|{index}|{stat.st_size}|{sorted(charset())}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def face_path(face: Face) -> Path:
    return font_dir() / f"{face.key}-{_digest(face)}.otf"


def _subset(face: Face, target: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source, index = source_of(face)
    font = TTFont(source, fontNumber=index, lazy=True)
    options = subset.Options()
    # the subsetter's default layout features (kerning, vertical forms, ligatures, marks: what
    # HarfBuzz shapes with, through WeasyPrint) except `locl`, whose Japanese, Korean and
    # traditional variants would double the glyphs of a face meant for simplified Chinese
    options.layout_features = [f for f in options.layout_features if f != "locl"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    # hints do nothing in a PDF, and without them the subset is smaller and faster to cut again
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=charset())
    # the subsetter reports every step at INFO, thousands of glyph names included
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        subsetter.subset(font)
    finally:
        logger.setLevel(level)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{face.key}-", suffix=".otf")
    os.close(fd)
    try:
        font.save(tmp)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the font from a web server's user
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def prepare(faces: Iterable[Face] = FACES, *, force: bool = False) -> dict[str, Path]:
    """Build the missing subset files (all of them with `force`); returns each face's file.

    Idempotent; takes about half a minute per face when it builds, nothing when it does not.
    Old files of a face (another digest) are removed. Raises FontsUnavailable without the
    system font.
    """
    paths = {}
    for face in faces:
        target = face_path(face)
        if force or not target.exists():
            _subset(face, target)
            for old in target.parent.glob(f"{face.key}-*.otf"):
                if old != target:
                    old.unlink(missing_ok=True)
        paths[face.key] = target
    return paths


def font_face_css() -> str:
    """The @font-face rules of the prepared subsets (built here on first use), as CSS."""
    paths = prepare()
    rules = []
    for face in FACES:
        weight = "bold" if face.bold else "normal"
        rules.append(
            f'@font-face {{ font-family: "{face.css_family}"; font-weight: {weight}; '
            f'src: url("{paths[face.key].resolve().as_uri()}"); }}'
        )
    return "\n".join(rules)


def font_stacks(*, subsets: bool = True) -> dict[str, str]:
    """The CSS font-family stacks of the report: the subsets first and the full system font
    second (for characters outside the subsets); or, without `subsets`, the system font only."""
    serif, sans = '"Noto Serif CJK SC"', '"Noto Sans CJK SC"'
    if not subsets:
        return {"serif": serif, "sans": sans}
    return {"serif": f'"{SERIF}", {serif}', "sans": f'"{SANS}", {sans}'}
