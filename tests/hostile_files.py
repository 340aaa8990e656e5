"""Build hostile files for tests: zip bombs, sheets that reach far cells, repeated .ods cells.

A zip bomb is built without its unpacked content ever being in memory: one megabyte is
deflated once, after a full flush (which makes the deflate output of the same megabyte the
same bytes every time), and those bytes are repeated. The ZIP is written by hand with honest
sizes and CRC, so that a library that trusted it would unpack every byte.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from tests.template_helpers import CRIME_HEADER, crime_rows, workbook

MB = 1024 * 1024
_ZIP64 = 0xFFFFFFFF


def deflated(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """(raw deflate data, CRC-32, unpacked size) of ``head + chunk * times + tail``."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = [c.compress(head), c.flush(zlib.Z_FULL_FLUSH)]
    c.compress(chunk)
    c.flush(zlib.Z_FULL_FLUSH)  # the first copy may still refer back to the head: not reused
    piece = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    out.append(piece * times)
    out += [c.compress(tail), c.flush()]
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    return b"".join(out), zlib.crc32(tail, crc), len(head) + len(chunk) * times + len(tail)


def packed(data: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def raw_zip(members: list[tuple[str, tuple[bytes, int, int]]]) -> bytes:
    """A ZIP of deflated members ``(name, (data, crc, size))`` (ZIP64 sizes where needed)."""
    out = io.BytesIO()
    central = []
    for name, (data, crc, size) in members:
        offset, n = out.tell(), name.encode()
        big = size >= _ZIP64
        extra = struct.pack("<HHQQ", 1, 16, size, len(data)) if big else b""
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                45 if big else 20,
                0,
                8,
                0,
                0x21,
                crc,
                _ZIP64 if big else len(data),
                _ZIP64 if big else size,
                len(n),
                len(extra),
            )
        )
        out.write(n + extra + data)
        central.append((n, crc, len(data), size, offset, big))
    start = out.tell()
    for n, crc, csize, size, offset, big in central:
        extra = struct.pack("<HHQQQ", 1, 24, size, csize, offset) if big else b""
        out.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                45 if big else 20,
                45 if big else 20,
                0,
                8,
                0,
                0x21,
                crc,
                _ZIP64 if big else csize,
                _ZIP64 if big else size,
                len(n),
                len(extra),
                0,
                0,
                0,
                0,
                _ZIP64 if big else offset,
            )
        )
        out.write(n + extra)
    end = out.tell()
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), end - start, start, 0
        )
    )
    return out.getvalue()


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def with_sheet(sheet: tuple[bytes, int, int]) -> bytes:
    """A template workbook (one Recorded crime sheet) whose sheet XML is ``sheet``."""
    good = workbook(
        {
            "Recorded crime": crime_rows(
                ["2019-04", "Durham", "Robbery", "Robbery of personal property", 7]
            )
        }
    )
    members = []
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        for name in z.namelist():
            members.append(
                (name, sheet if name == "xl/worksheets/sheet1.xml" else packed(z.read(name)))
            )
    return raw_zip(members)


def sheet_xml(rows: list[list[object]]) -> bytes:
    """Sheet XML of ``rows`` (text as inline strings, numbers as numbers), row 1 first, each
    cell with its reference as spreadsheet programs write them (up to 26 columns)."""
    out = [SHEET_HEAD]
    for i, row in enumerate(rows, start=1):
        cells = []
        for j, value in enumerate(row):
            ref = f"{chr(65 + j)}{i}"
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="n"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        out.append(f'<row r="{i}">{"".join(cells)}</row>'.encode())
    out.append(SHEET_TAIL)
    return b"".join(out)


def xlsx_bomb(unpacked_mb: int = 1536) -> bytes:
    """A template workbook of a few MB whose sheet XML unpacks to ``unpacked_mb`` MB."""
    row = (
        b'<row><c t="inlineStr"><is><t>2019-04</t></is></c><c t="inlineStr"><is><t>Durham</t>'
        b'</is></c><c t="n"><v>7</v></c></row>'
    )
    chunk = row * (MB // len(row))
    chunk += b" " * (MB - len(chunk))  # a megabyte exactly: whitespace between rows
    return with_sheet(deflated(SHEET_HEAD, chunk, unpacked_mb, SHEET_TAIL))


STREET_HEADER = (
    b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    b"LSOA code,LSOA name,Crime type,Last outcome category,Context\r\n"
)
STREET_ROW = (
    b"abc123,2021-02,Dorset Police,Dorset Police,-1.9,50.7,On or near High Street,"
    b"E01020000,Bournemouth 001A,Burglary,Under investigation,\r\n"
)


def police_zip_bomb(unpacked_mb: int = 1536) -> bytes:
    """A ZIP of one data.police.uk street-level CSV that unpacks to ``unpacked_mb`` MB."""
    chunk = STREET_ROW * (MB // len(STREET_ROW))
    chunk += b"\n" * (MB - len(chunk))  # a megabyte exactly: blank lines
    member = deflated(STREET_HEADER, chunk, unpacked_mb, b"")
    return raw_zip([("2021-02/2021-02-dorset-street.csv", member)])


def far_cells(*refs: str) -> bytes:
    """A template workbook: the Recorded crime header in row 1 and a 1 in each of ``refs``."""
    cells = "".join(f'<c r="{ref}" t="n"><v>1</v></c>' for ref in refs)
    header = "".join(
        f'<c r="{chr(65 + j)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for j, h in enumerate(CRIME_HEADER)
    )
    body = f'<row r="1">{header}</row><row r="2">{cells}</row>'.encode()
    return with_sheet(packed(SHEET_HEAD + body + SHEET_TAIL))


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def ods(rows_xml: str, sheet: str = "Recorded crime") -> bytes:
    """An .ods of one table whose rows are ``rows_xml`` (table:table-row elements)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{rows_xml}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def ods_repeated(rows: int, columns: int) -> bytes:
    """An .ods of a few hundred bytes whose one filled cell is repeated rows x columns."""
    return ods(
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
        f'office:value-type="float" office:value="1" table:number-columns-repeated="{columns}">'
        "<text:p>1</text:p></table:table-cell></table:table-row>"
    )
