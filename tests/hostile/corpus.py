"""A corpus of hostile uploads, generated in code: what an attacker or a careless user sends.

Each `HostileFile` has a key, the name the client sends and a function that builds its bytes (so
nothing binary is kept in the repository and a large file costs nothing until a test asks for
it). `CORPUS` lists them all; tests/hostile/test_uploads.py sends every one to every upload.

The workbooks are written as raw SpreadsheetML (`xlsx`), so a test controls exactly what a
program other than Excel could put in them: shared strings referenced many times, formulas
without a cached result, a dimension that claims a million rows, entities.
"""

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl import Workbook

from tests.communities.import_helpers import row, titles

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_WORKBOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

# rows of the shared-string bomb: the most the import accepts
BOMB_ROWS = 25_000
BOMB_TEXT_CHARS = 30_000

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"0" * 100
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 400
# the header of an OLE compound file: what Excel writes for a password-protected workbook
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


# --- building workbooks ---------------------------------------------------------------------------


def _cell(ref: str, value: object, shared: dict[str, int] | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value)
    if shared is not None:
        index = shared.setdefault(text, len(shared))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _letter(index: int) -> str:
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def sheet_xml(
    rows: Iterable[tuple[int, Iterable[object] | str]],
    *,
    shared: dict[str, int] | None = None,
    dimension: str = "",
    prolog: str = "",
) -> str:
    """A worksheet's XML: `rows` are (row number, values) or (row number, raw cells XML)."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">']
    if dimension:
        parts.append(f'<dimension ref="{dimension}"/>')
    parts.append("<sheetData>")
    for number, values in rows:
        if isinstance(values, str):
            cells = values
        else:
            cells = "".join(
                _cell(f"{_letter(i)}{number}", v, shared) for i, v in enumerate(values, start=1)
            )
        parts.append(f'<row r="{number}">{cells}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def strings_xml(shared: dict[str, int], prolog: str = "") -> str:
    items = "".join(f"<si><t>{escape(text)}</t></si>" for text in shared)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<sst xmlns="{MAIN}" count="{len(shared)}" '
        f'uniqueCount="{len(shared)}">{items}</sst>'
    )


def xlsx(
    sheet: str,
    strings: str | None = None,
    *,
    extra: dict[str, bytes] | None = None,
    workbook_type: str = WORKBOOK_TYPE,
) -> bytes:
    """A minimal workbook of one sheet, zipped as Excel does (deflated)."""
    overrides = [
        ("/xl/workbook.xml", workbook_type),
        ("/xl/worksheets/sheet1.xml", SHEET_TYPE),
    ]
    relations = [("rId1", "worksheet", "worksheets/sheet1.xml")]
    if strings is not None:
        overrides.append(("/xl/sharedStrings.xml", STRINGS_TYPE))
        relations.append(("rId2", "sharedStrings", "sharedStrings.xml"))
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
        + "</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
        + "".join(
            f'<Relationship Id="{i}" Type="{REL}/{kind}" Target="{target}"/>'
            for i, kind, target in relations
        )
        + "</Relationships>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if strings is not None:
            archive.writestr("xl/sharedStrings.xml", strings)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def good_rows(count: int, **overrides: object) -> list[tuple[int, list[object]]]:
    """The header and `count` valid rows, each a community of its own unless overridden."""
    rows: list[tuple[int, list[object]]] = [(1, list(titles()))]
    for number in range(2, count + 2):
        rows.append((number, row(**{"name": f"Community {number}", **overrides})))
    return rows


def valid_workbook(count: int = 2, **overrides: object) -> bytes:
    shared: dict[str, int] = {}
    sheet = sheet_xml(good_rows(count, **overrides), shared=shared)
    return xlsx(sheet, strings_xml(shared))


def openpyxl_workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for values in rows:
        book.worksheets[0].append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the hostile files ----------------------------------------------------------------------------


def shared_string_bomb(chars: int = BOMB_TEXT_CHARS, rows: int = BOMB_ROWS) -> bytes:
    """One long shared string referenced by the street and name of every row: about 650 KB that
    passes the size, unpacked-size and ratio checks, and decodes to gigabytes of cell text."""
    shared: dict[str, int] = {}
    text = "街" * chars
    header = [(1, list(titles()))]
    body = [(n, row(street=text, name=text)) for n in range(2, rows + 2)]
    return xlsx(sheet_xml(header + body, shared=shared), strings_xml(shared))


def huge_cell() -> bytes:
    return valid_workbook(1, difficult_reason="x" * 200_000)


def formula_without_result() -> bytes:
    rows = good_rows(3)
    cells = "".join(
        _cell(f"{_letter(i)}7", v, None) for i, v in enumerate(row(name="Formula"), start=1)
    )
    # the population of row 7 is a formula saved without its result (no <v>)
    cells = cells.replace('<c r="E7"><v>12000</v></c>', '<c r="E7"><f>SUM(E2:E4)</f></c>')
    return xlsx(sheet_xml([*rows, (7, cells)]))


def formula_with_error() -> bytes:
    cells = "".join(
        _cell(f"{_letter(i)}3", v, None) for i, v in enumerate(row(name="Broken"), start=1)
    )
    cells = cells.replace(
        '<c r="E3"><v>12000</v></c>', '<c r="E3" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    )
    return xlsx(sheet_xml([*good_rows(1), (3, cells)]))


def bidi_names() -> bytes:
    """Names with a right-to-left override and zero-width characters: imported cleaned."""
    return valid_workbook(1, street="\u202bNew Street\u202c", name="Lake\u200bside\ufeff")


def many_shared_strings(count: int = 200_001) -> bytes:
    """A table of distinct short texts: openpyxl keeps each in memory (about 150 bytes each), so
    two million of them (a 5 MB file) would take 300 MB."""
    items = "".join(f"<si><t>{i:x}</t></si>" for i in range(count))
    strings = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{items}</sst>'
    return xlsx(sheet_xml(good_rows(1)), strings)


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (60 * 1024 * 1024))
    return out.getvalue()


def xxe() -> bytes:
    prolog = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    sheet = sheet_xml(
        [(1, titles()), (2, '<c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c>')], prolog=prolog
    )
    return xlsx(sheet)


def billion_laughs() -> bytes:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    prolog = f"<!DOCTYPE sst [{entities}]>"
    strings = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<sst xmlns="{MAIN}"><si><t>&a9;</t></si>'
        "</sst>"
    )
    return xlsx(sheet_xml([(1, '<c r="A1" t="s"><v>0</v></c>')]), strings)


def truncated() -> bytes:
    content = valid_workbook(50)
    return content[: len(content) // 2]


def too_many_rows() -> bytes:
    shared: dict[str, int] = {}
    return xlsx(sheet_xml(good_rows(25_001), shared=shared), strings_xml(shared))


def too_many_columns() -> bytes:
    header = [*titles(), *(f"Extra {i}" for i in range(16_384 - 13))]
    return xlsx(sheet_xml([(1, header), (2, [*row(), *([1] * 200)])]))


def huge_dimension() -> bytes:
    """The sheet claims 16,384 columns and a million rows, and has a cell at the last one."""
    sheet = sheet_xml(
        [*good_rows(1), (1_048_576, '<c r="XFD1048576"><v>1</v></c>')],
        dimension="A1:XFD1048576",
    )
    return xlsx(sheet)


def macro_enabled() -> bytes:
    return xlsx(
        sheet_xml(good_rows(1)),
        workbook_type=MACRO_WORKBOOK_TYPE,
        extra={"xl/vbaProject.bin": OLE + b'Attribute VB_Name = "Module1"\nShell "calc"'},
    )


def encrypted_entries() -> bytes:
    """A workbook whose zip entries are marked encrypted (zip's own password protection): the
    flag bit is set in every local and central header (zipfile writes it cleared)."""
    content = bytearray(valid_workbook(1))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = content.find(signature)
        while start != -1:
            content[start + offset] |= 0x1
            start = content.find(signature, start + 4)
    return bytes(content)


def nested_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("communities.xlsx", valid_workbook(1))
    return out.getvalue()


def many_members() -> bytes:
    shared: dict[str, int] = {}
    extra = {f"xl/media/image{i}.png": PNG for i in range(600)}
    return xlsx(sheet_xml(good_rows(1), shared=shared), strings_xml(shared), extra=extra)


def no_sheet() -> bytes:
    return xlsx("<worksheet/>")


def csv() -> bytes:
    return ",".join(titles()).encode() + b"\r\nNew Street,Lakeside,city\r\n"


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def xml_spreadsheet_2003() -> bytes:
    return (
        b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
        b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>'
    )


def jpeg_with_script() -> bytes:
    """A real JPEG header followed by HTML: a polyglot, accepted as a photo and served as one."""
    return JPEG + b"<script>alert(document.cookie)</script>"


@dataclass(frozen=True)
class HostileFile:
    key: str
    name: str
    build: Callable[[], bytes]
    content_type: str = "application/octet-stream"

    def content(self) -> bytes:
        # built once per test session: each file goes to every upload
        if self.key not in _BUILT:
            _BUILT[self.key] = self.build()
        return _BUILT[self.key]


_BUILT: dict[str, bytes] = {}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CORPUS: list[HostileFile] = [
    HostileFile("shared-string-bomb", "communities.xlsx", shared_string_bomb, XLSX),
    HostileFile(
        "shared-string-total",
        "communities.xlsx",
        lambda: shared_string_bomb(chars=990, rows=BOMB_ROWS),
        XLSX,
    ),
    HostileFile("huge-cell", "communities.xlsx", huge_cell, XLSX),
    HostileFile("formula-without-result", "communities.xlsx", formula_without_result, XLSX),
    HostileFile("formula-error", "communities.xlsx", formula_with_error, XLSX),
    HostileFile("empty-file", "communities.xlsx", lambda: b"", XLSX),
    HostileFile("name-1000-chars", "名" * 995 + ".xlsx", valid_workbook, XLSX),
    HostileFile("name-20000-chars", "a" * 20_000 + ".xlsx", valid_workbook, XLSX),
    HostileFile("bidi-names", "communities.xlsx", bidi_names, XLSX),
    HostileFile("bidi-file-name", "photo\u202egpj.xlsx", valid_workbook, XLSX),
    HostileFile("many-shared-strings", "communities.xlsx", many_shared_strings, XLSX),
    HostileFile("zip-bomb", "communities.xlsx", zip_bomb, XLSX),
    HostileFile("xxe", "communities.xlsx", xxe, XLSX),
    HostileFile("billion-laughs", "communities.xlsx", billion_laughs, XLSX),
    HostileFile("pdf-renamed", "communities.xlsx", lambda: PDF, XLSX),
    HostileFile("png-renamed", "communities.xlsx", lambda: PNG, XLSX),
    HostileFile("exe-renamed", "communities.xlsx", lambda: EXE, XLSX),
    HostileFile("exe-as-photo", "photo.jpg", lambda: EXE, "image/jpeg"),
    HostileFile("html-renamed", "communities.xlsx", html, XLSX),
    HostileFile("truncated-zip", "communities.xlsx", truncated, XLSX),
    HostileFile("password-protected", "communities.xlsx", lambda: OLE, XLSX),
    HostileFile("too-many-rows", "communities.xlsx", too_many_rows, XLSX),
    HostileFile("too-many-columns", "communities.xlsx", too_many_columns, XLSX),
    HostileFile("huge-dimension", "communities.xlsx", huge_dimension, XLSX),
    HostileFile("macro-enabled", "communities.xlsm", macro_enabled),
    HostileFile("macro-renamed", "communities.xlsx", macro_enabled, XLSX),
    HostileFile("csv", "communities.csv", csv, "text/csv"),
    HostileFile("csv-renamed", "communities.xlsx", csv, XLSX),
    HostileFile("xml-2003-renamed", "communities.xlsx", xml_spreadsheet_2003, XLSX),
    HostileFile("nested-zip", "communities.xlsx", nested_zip, XLSX),
    HostileFile("zip-encrypted-entries", "communities.xlsx", encrypted_entries, XLSX),
    HostileFile("many-members", "communities.xlsx", many_members, XLSX),
    HostileFile("no-sheet", "communities.xlsx", no_sheet, XLSX),
    HostileFile("path-traversal-name", "../../x.xlsx", valid_workbook, XLSX),
    HostileFile("nul-in-name", "x\x00.jpg.xlsx", valid_workbook, XLSX),
    HostileFile("jpeg-polyglot", "photo.jpg", jpeg_with_script, "image/jpeg"),
    HostileFile("jpeg-named-xlsx", "photo.xlsx", lambda: JPEG, XLSX),
]
