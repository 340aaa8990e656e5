"""The import entry point: damaged content is the file's problem; a reader's own bug is a
fault in the product, logged with its traceback, and refuses the whole batch."""

from __future__ import annotations

import io
import logging
import zipfile

import pytest

from pcp_data.errors import ProductFault
from pcp_data.importer import import_files, validate
from pcp_data.readers import read_file
from pcp_data.store import Store
from tests.template_helpers import FAULT, break_template_reader, crime_rows, workbook

GOOD = workbook(
    {
        "Recorded crime": crime_rows(
            ["2019-04", "Durham", "Robbery", "Robbery of personal property", 7]
        )
    }
)


def damaged(content: bytes, member: str) -> bytes:
    """``content`` (a ZIP, or a workbook, which is one) with bytes in the middle of the
    compressed data of ``member`` zeroed."""
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo(member)
    local = content[info.header_offset :]
    start = (
        info.header_offset
        + 30
        + int.from_bytes(local[26:28], "little")
        + int.from_bytes(local[28:30], "little")
    )
    middle = start + info.compress_size // 2
    return content[:middle] + bytes(8) + content[middle + 8 :]


def police_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("2021-02/2021-02-dorset-street.csv", "Crime ID,Month\n" * 400)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cut.xlsx", GOOD[: len(GOOD) * 3 // 4], "the file is not a spreadsheet or CSV"),
        ("damaged.xlsx", damaged(GOOD, "xl/worksheets/sheet1.xml"), "the file could not be read"),
        (
            "damaged.zip",
            damaged(police_zip(), "2021-02/2021-02-dorset-street.csv"),
            "the ZIP could not be read",
        ),
        ("wide.csv", b"a,b\n" + b"x" * 200_000 + b",1\n", "the file could not be read"),
    ],
    ids=[
        "cut workbook",
        "damaged sheet",
        "damaged ZIP member",
        "CSV field over the csv module's limit",
    ],
)
def test_damaged_content_is_the_files_problem(name: str, content: bytes, message: str) -> None:
    result = read_file(name, content)
    [problem] = result.problems
    assert problem.file == name and message in problem.message


def test_a_readers_bug_is_a_fault_in_the_product(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    break_template_reader(monkeypatch, "broken.xlsx")
    with pytest.raises(ProductFault, match=f"^broken.xlsx: {FAULT}") as raised:
        import_files([("good.xlsx", GOOD), ("broken.xlsx", GOOD)], store, uploaded_by="t")
    assert raised.value.file == "broken.xlsx"
    assert "KeyError" not in raised.value.message  # the details are for the log
    assert store.uploads().empty  # the good file of the batch is refused with it
    [record] = [r for r in caplog.records if r.name == "pcp_data.readers"]
    assert record.levelno == logging.ERROR and "broken.xlsx" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is KeyError


def test_validating_a_batch_with_a_readers_bug_gives_no_report(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_template_reader(monkeypatch, "broken.xlsx")
    with pytest.raises(ProductFault, match=FAULT):
        validate([("broken.xlsx", GOOD)], store)
    assert import_files([("good.xlsx", GOOD)], store, uploaded_by="t").ok  # other files read
