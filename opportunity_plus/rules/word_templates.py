"""Plain rules of Word templates: amounts and dates in Vietnamese, file names, the uploaded file itself.

Amounts are read the way Vietnamese invoices and contracts write them ("Một trăm năm mươi triệu
đồng", "Một triệu không trăm linh năm đồng"): every group of three digits after the first one is
read in full (``không trăm``, ``linh``), groups of zeros are left out, and ``mốt``, ``tư``, ``lăm``
follow the usual rules. ``num2words(lang="vi")`` was tried and not used: it reads 1,050,000 as
"một triệu năm mươi nghìn" and 2,000,000,015 as "hai tỷ lẻ mười lăm", which invoices do not.
"""

import io
import re
import unicodedata
import zipfile
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote

from opportunity_plus.rules import RuleError, _

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUPS = ("", "nghìn", "triệu")  # below a billion; "tỷ" repeats above it
BILLION = 10**9

# currency -> (main unit, fraction unit or None, digits of the fraction)
CURRENCY_WORDS = {
	"VND": ("đồng", None, 0),
	"USD": ("đô la Mỹ", "xu", 2),
	"EUR": ("euro", "xu", 2),
	"GBP": ("bảng Anh", "xu", 2),
	"JPY": ("yên", None, 0),
	"CNY": ("nhân dân tệ", "hào", 1),
	"KRW": ("won", None, 0),
	"SGD": ("đô la Singapore", "xu", 2),
	"THB": ("baht", "satang", 2),
}

MB = 1024 * 1024
MAX_TEMPLATE_BYTES = 10 * MB
MAX_UNPACKED_BYTES = 100 * MB  # a .docx is a zip: what it unpacks to is limited too
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc (and encrypted .docx)
UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
MAX_FILENAME = 100


# ------------------------------------------------------------------------ numbers in words


def _three_digits(number: int, full: bool) -> list[str]:
	"""Words of 0..999; ``full`` reads leading zeros (``không trăm``, ``linh``) of an inner group."""
	hundreds, rest = divmod(number, 100)
	tens, units = divmod(rest, 10)
	words = []
	if full or hundreds:
		words += [DIGITS[hundreds], "trăm"]
	if tens == 0:
		if units:
			if words:
				words.append("linh")
			words.append(DIGITS[units])
	elif tens == 1:
		words.append("mười")
		if units:
			words.append("lăm" if units == 5 else DIGITS[units])
	else:
		words += [DIGITS[tens], "mươi"]
		if units:
			words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(units, DIGITS[units]))
	return words


def _below_billion(number: int, full: bool) -> list[str]:
	groups = []
	while number:
		number, group = divmod(number, 1000)
		groups.append(group)
	words = []
	for index in range(len(groups) - 1, -1, -1):
		group = groups[index]
		if not group:
			continue
		inner = full or index < len(groups) - 1
		words += _three_digits(group, inner)
		if GROUPS[index]:
			words.append(GROUPS[index])
	return words


def _words(number: int, full: bool = False) -> list[str]:
	if number < BILLION:
		return _below_billion(number, full)
	high, low = divmod(number, BILLION)
	words = [*_words(high, full), "tỷ"]
	if low:
		words += _below_billion(low, True)
	return words


def number_in_words(number: int) -> str:
	"""A whole number in Vietnamese words, lower case: 150000000 -> 'một trăm năm mươi triệu'."""
	number = int(number)
	if number == 0:
		return DIGITS[0]
	if number < 0:
		return "âm " + number_in_words(-number)
	return " ".join(_words(number))


def currency_words(currency: str | None) -> tuple[str, str | None, int]:
	"""(main unit, fraction unit, fraction digits) of a currency; unknown ones read as their code."""
	code = (currency or "").strip().upper()
	return CURRENCY_WORDS.get(code, (code or "đồng", None, 0))


def money_in_words(amount, currency: str | None = "VND") -> str:
	"""An amount in Vietnamese words with its currency, first letter capitalised.

	money_in_words(150_000_000, "VND") -> 'Một trăm năm mươi triệu đồng'
	money_in_words(12.5, "USD") -> 'Mười hai đô la Mỹ năm mươi xu'
	"""
	unit, fraction_unit, digits = currency_words(currency)
	value = Decimal(str(amount or 0))
	negative = value < 0
	value = abs(value).quantize(Decimal(1).scaleb(-digits) if fraction_unit else Decimal(1), ROUND_HALF_UP)
	whole = int(value)
	text = f"{number_in_words(whole)} {unit}"
	if fraction_unit:
		fraction = int((value - whole) * (10**digits))
		if fraction:
			text += f" {number_in_words(fraction)} {fraction_unit}"
	if negative:
		text = "âm " + text
	return text[:1].upper() + text[1:]


def vietnamese_date(value: date | None) -> str:
	"""'ngày 30 tháng 11 năm 2026'; days below 10 and months 1 and 2 get a leading zero, as
	administrative documents write them (Nghị định 30/2020/NĐ-CP)."""
	if not value:
		return ""
	month = f"{value.month:02d}" if value.month < 3 else str(value.month)
	return f"ngày {value.day:02d} tháng {month} năm {value.year}"


# ------------------------------------------------------------------------ files


def safe_filename(name: str | None, extension: str, fallback: str = "opportunity") -> str:
	"""A file name for a download: no path separators, control or reserved characters."""
	stem = UNSAFE_FILENAME.sub("-", str(name or "")).strip(" .-")[:MAX_FILENAME].strip(" .-")
	return f"{stem or fallback}.{extension}"


def unique_filenames(names: list[str]) -> list[str]:
	"""The names, with ' (2)', ' (3)'... added before the extension to repeated ones."""
	seen: dict[str, int] = {}
	result = []
	for name in names:
		key = name.lower()
		count = seen.get(key, 0) + 1
		seen[key] = count
		if count > 1:
			stem, dot, extension = name.rpartition(".")
			name = f"{stem} ({count}).{extension}" if dot else f"{name} ({count})"
		result.append(name)
	return result


def content_disposition(file_name: str) -> str:
	"""``attachment`` with an ASCII ``filename`` (accents dropped: "Thư chào giá" -> "Thu chao gia")
	for old clients and the exact name as ``filename*`` (RFC 6266 / RFC 5987)."""
	ascii_name = unicodedata.normalize("NFKD", file_name.replace("đ", "d").replace("Đ", "D"))
	ascii_name = "".join(c for c in ascii_name if not unicodedata.combining(c))
	ascii_name = ascii_name.encode("ascii", "ignore").decode().replace('"', "") or "download"
	return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def check_template_size(size: int | None, max_bytes: int = MAX_TEMPLATE_BYTES) -> None:
	if size and size > max_bytes:
		raise RuleError(
			_("The file is {size} MB; a template may be at most {limit} MB."),
			size=round(size / MB, 1),
			limit=round(max_bytes / MB, 1),
		)


def check_docx(
	file_name: str | None,
	content: bytes,
	max_bytes: int = MAX_TEMPLATE_BYTES,
	max_unpacked: int = MAX_UNPACKED_BYTES,
) -> None:
	"""A Word .docx file of reasonable size, else a RuleError saying what is wrong with it."""
	check_template_size(len(content), max_bytes)
	if content.startswith(OLE_MAGIC) or (file_name or "").lower().endswith(".doc"):
		raise RuleError(
			_(
				"The file is an old Word 97-2003 document (.doc) or is password-protected: open it in Word and save it as .docx without a password."
			)
		)
	if file_name and not file_name.lower().endswith(".docx"):
		raise RuleError(_("The file {file} is not a Word .docx file."), file=file_name)
	try:
		with zipfile.ZipFile(io.BytesIO(content)) as archive:
			infos = archive.infolist()
	except (zipfile.BadZipFile, ValueError):
		raise RuleError(_("The file {file} is not a Word .docx file."), file=file_name or "")
	names = {info.filename for info in infos}
	if "word/document.xml" not in names or "[Content_Types].xml" not in names:
		raise RuleError(_("The file {file} is not a Word .docx file."), file=file_name or "")
	if sum(info.file_size for info in infos) > max_unpacked:
		raise RuleError(
			_("The file unpacks to more than {limit} MB; a template may not be that large."),
			limit=round(max_unpacked / MB, 1),
		)


# ------------------------------------------------------------------------ error places

TAG = re.compile(r"<[^>]+>")
SPACES = re.compile(r"\s+")


def paragraph_texts(xml: str) -> list[str]:
	"""Text of each line of a part's XML split before every paragraph, as docxtpl renders it: line
	N + 1 is paragraph N (line 1 is what comes before the first paragraph)."""
	lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml).splitlines()
	return [SPACES.sub(" ", TAG.sub("", line)).strip() for line in lines]


def snippet(text: str, limit: int = 120) -> str:
	text = SPACES.sub(" ", text or "").strip()
	return text if len(text) <= limit else text[: limit - 1] + "…"
