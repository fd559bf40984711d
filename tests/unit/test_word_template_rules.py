import io
import zipfile
from datetime import date

import pytest

from opportunity_plus.rules import RuleError
from opportunity_plus.rules.word_templates import (
	MB,
	OLE_MAGIC,
	check_docx,
	check_template_size,
	content_disposition,
	money_in_words,
	number_in_words,
	paragraph_texts,
	safe_filename,
	snippet,
	unique_filenames,
	vietnamese_date,
)


@pytest.mark.parametrize(
	"number, words",
	[
		(0, "không"),
		(5, "năm"),
		(10, "mười"),
		(11, "mười một"),
		(15, "mười lăm"),
		(21, "hai mươi mốt"),
		(24, "hai mươi tư"),
		(25, "hai mươi lăm"),
		(30, "ba mươi"),
		(101, "một trăm linh một"),
		(110, "một trăm mười"),
		(115, "một trăm mười lăm"),
		(1005, "một nghìn không trăm linh năm"),
		(1_000_000, "một triệu"),
		(1_050_000, "một triệu không trăm năm mươi nghìn"),
		(1_000_005, "một triệu không trăm linh năm"),
		(150_000_000, "một trăm năm mươi triệu"),
		(2_000_000_015, "hai tỷ không trăm mười lăm"),
		(
			1_234_567_891,
			"một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi mốt",
		),
		(1_000_000_000_000, "một nghìn tỷ"),
		(5_000_000_000_000_000_000, "năm tỷ tỷ"),
		(-21, "âm hai mươi mốt"),
	],
)
def test_numbers_read_as_on_vietnamese_invoices(number, words):
	assert number_in_words(number) == words


def test_money_is_capitalised_with_its_currency():
	assert money_in_words(150_000_000, "VND") == "Một trăm năm mươi triệu đồng"
	assert money_in_words(150_000_000.4, "VND") == "Một trăm năm mươi triệu đồng"
	assert money_in_words(1_000_005, "vnd") == "Một triệu không trăm linh năm đồng"
	assert money_in_words(0, "VND") == "Không đồng"
	assert money_in_words(None, "VND") == "Không đồng"
	assert money_in_words(12.5, "USD") == "Mười hai đô la Mỹ năm mươi xu"
	assert money_in_words(12, "USD") == "Mười hai đô la Mỹ"
	assert money_in_words(-3, "VND") == "Âm ba đồng"
	assert money_in_words(7, "XYZ") == "Bảy XYZ"
	assert money_in_words(7, None) == "Bảy đồng"


def test_vietnamese_dates_pad_days_below_ten_and_the_first_two_months():
	assert vietnamese_date(date(2026, 11, 30)) == "ngày 30 tháng 11 năm 2026"
	assert vietnamese_date(date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
	assert vietnamese_date(date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"
	assert vietnamese_date(None) == ""


def test_file_names_are_safe_and_unique():
	assert safe_filename("CH-2026-0001", "docx") == "CH-2026-0001.docx"
	assert safe_filename("../a/b:c*?", "docx") == "a-b-c.docx"
	assert safe_filename("Cơ hội Hà Nội", "pdf") == "Cơ hội Hà Nội.pdf"
	assert safe_filename("", "docx") == "opportunity.docx"
	assert safe_filename("x" * 300, "docx") == "x" * 100 + ".docx"
	assert unique_filenames(["a.docx", "b.docx", "A.docx", "a.docx"]) == [
		"a.docx",
		"b.docx",
		"A (2).docx",
		"a (3).docx",
	]


def docx_bytes(extra: dict | None = None) -> bytes:
	buffer = io.BytesIO()
	with zipfile.ZipFile(buffer, "w") as archive:
		archive.writestr("[Content_Types].xml", "<Types/>")
		archive.writestr("word/document.xml", "<w:document/>")
		for name, text in (extra or {}).items():
			archive.writestr(name, text)
	return buffer.getvalue()


def test_a_docx_passes():
	check_docx("Thư chào giá.docx", docx_bytes())
	check_docx(None, docx_bytes())


@pytest.mark.parametrize(
	"name, content, words",
	[
		("a.docx", b"plain text", "not a Word .docx"),
		("a.pdf", docx_bytes(), "not a Word .docx"),
		("a.doc", OLE_MAGIC + b"\0" * 100, "97-2003"),
		("a.docx", OLE_MAGIC + b"\0" * 100, "password"),
		("a.docx", b"PK\x03\x04" + b"\0" * 10, "not a Word .docx"),
	],
)
def test_other_files_are_refused_with_the_reason(name, content, words):
	with pytest.raises(RuleError) as refused:
		check_docx(name, content)
	assert words in str(refused.value)


def test_big_files_are_refused():
	with pytest.raises(RuleError) as refused:
		check_template_size(50 * MB)
	assert str(refused.value) == "The file is 50.0 MB; a template may be at most 10.0 MB."
	check_template_size(10 * MB)
	with pytest.raises(RuleError):
		check_docx("a.docx", docx_bytes(), max_bytes=100)
	with pytest.raises(RuleError) as refused:
		check_docx("a.docx", docx_bytes({"word/media/big.bin": "0" * 5000}), max_unpacked=4000)
	assert "unpacks to more than" in str(refused.value)


def test_paragraph_texts_number_paragraphs_as_docxtpl_does():
	xml = '<w:body><w:p w:x="1"><w:r><w:t>Kính gửi</w:t></w:r></w:p><w:p><w:t>{{ x }}</w:t></w:p></w:body>'
	assert paragraph_texts(xml) == ["", "Kính gửi", "{{ x }}"]
	assert snippet("a  b\n c") == "a b c"
	assert snippet("x" * 200, 10) == "x" * 9 + "…"


def test_content_disposition_keeps_the_name_and_gives_an_ascii_one():
	assert (
		content_disposition("CH-0001.docx")
		== "attachment; filename=\"CH-0001.docx\"; filename*=UTF-8''CH-0001.docx"
	)
	header = content_disposition('Thư chào giá "đặc biệt".zip')
	assert header.startswith('attachment; filename="Thu chao gia dac biet.zip"; ')
	assert header.endswith(
		"filename*=UTF-8''Th%C6%B0%20ch%C3%A0o%20gi%C3%A1%20%22%C4%91%E1%BA%B7c%20bi%E1%BB%87t%22.zip"
	)
	header.encode("latin-1")  # what an HTTP header must be
