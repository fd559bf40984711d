"""Word templates ("Biểu mẫu"): the shipped sample filled for a Vietnamese opportunity with three
items and read back with python-docx; zip of several; mistakes in templates; permissions; PDF."""

import io
import os
import stat
import tempfile
import zipfile
from unittest.mock import patch
from urllib.parse import unquote

import frappe
from docx import Document
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, random_string

from opportunity_plus.api import templates as api
from opportunity_plus.rules.word_templates import MB, vietnamese_date
from opportunity_plus.setup.sample_template import SAMPLE_NAME, make_sample_template
from opportunity_plus.tests.utils import make_user

COMPANY = "Công ty TNHH Giải pháp Sen Vàng"
ABBR = "SVG"
CUSTOMER = "Công ty Cổ phần Hoa Sen Việt"
SALES_USER = "opp-plus-tpl-sales@example.com"
OUTSIDER = "opp-plus-tpl-outsider@example.com"
ITEMS = [
	("OPT-TPL-001", "Phần mềm quản lý bán hàng", 2, 25_000_000),
	("OPT-TPL-002", "Đào tạo người dùng", 5, 10_000_000),
	("OPT-TPL-003", "Triển khai và bảo hành", 1, 50_000_000),
]


def make_vnd_company() -> str:
	if not frappe.db.exists("Currency", "VND"):
		frappe.get_doc(
			{"doctype": "Currency", "currency_name": "VND", "symbol": "₫", "fraction_units": 0}
		).insert(ignore_permissions=True)
	frappe.db.set_value(
		"Currency", "VND", {"enabled": 1, "number_format": "#.###", "symbol": "₫", "symbol_on_right": 1}
	)
	if not frappe.db.exists("Company", COMPANY):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": COMPANY,
				"abbr": ABBR,
				"default_currency": "VND",
				"country": "Vietnam",
				"tax_id": "0101234567",
				"phone_no": "024 3333 8888",
				"email": "lienhe@senvang.example.com",
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	return COMPANY


def make_customer() -> str:
	if not frappe.db.exists("Customer", CUSTOMER):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": CUSTOMER,
				"customer_type": "Company",
				"tax_id": "0309876543",
			}
		).insert(ignore_permissions=True)
	return CUSTOMER


def make_items():
	for code, name, _qty, _rate in ITEMS:
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": name,
					"item_group": frappe.db.get_value("Item Group", {"is_group": 0}, "name"),
					"stock_uom": "Nos",
					"is_stock_item": 0,
				}
			).insert(ignore_permissions=True)


def make_vn_opportunity(**fields):
	doc = frappe.get_doc(
		{
			"doctype": "Opportunity",
			"opportunity_from": "Customer",
			"party_name": CUSTOMER,
			"customer_name": CUSTOMER,
			"title": "Dự án chuyển đổi số Hoa Sen",
			"company": COMPANY,
			"currency": "VND",
			"conversion_rate": 1,
			"transaction_date": getdate(),
			"opportunity_amount": 150_000_000,
			"items": [
				{"item_code": code, "item_name": name, "qty": qty, "rate": rate, "uom": "Nos"}
				for code, name, qty, rate in ITEMS
			],
			**fields,
		}
	)
	return doc.insert(ignore_permissions=True)


def docx_of(paragraphs: list[str]) -> bytes:
	document = Document()
	for text in paragraphs:
		document.add_paragraph(text)
	buffer = io.BytesIO()
	document.save(buffer)
	return buffer.getvalue()


def upload(content: bytes, file_name: str = "template.docx") -> str:
	return (
		frappe.get_doc({"doctype": "File", "file_name": file_name, "is_private": 1, "content": content})
		.insert(ignore_permissions=True)
		.file_url
	)


def make_template(content: bytes, file_name: str = "template.docx", **fields):
	return frappe.get_doc(
		{
			"doctype": "Opportunity Template",
			"template_name": fields.pop("template_name", "Mẫu " + random_string(6)),
			"template_file": upload(content, file_name),
			**fields,
		}
	).insert()


def read_docx(response) -> Document:
	return Document(io.BytesIO(response.get_data()))


def all_text(document) -> str:
	parts = [p.text for p in document.paragraphs]
	for table in document.tables:
		for row in table.rows:
			parts.append(" | ".join(cell.text for cell in row.cells))
	for section in document.sections:
		parts += [p.text for p in section.footer.paragraphs]
	return "\n".join(parts)


def download_name(response) -> str:
	header = response.headers["Content-Disposition"]
	if "filename*=" in header:
		return unquote(header.split("filename*=", 1)[1].split("''", 1)[1])
	return header.split("filename=", 1)[1].strip('"')


class TemplatesTestCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		make_vnd_company()
		make_customer()
		make_items()
		make_sample_template()
		make_user(SALES_USER, ["Sales User"])
		make_user(OUTSIDER, ["Purchase User"])

	def tearDown(self):
		frappe.set_user("Administrator")


class TestSampleTemplate(TemplatesTestCase):
	def test_sample_is_created_once_and_fills_a_vietnamese_offer_letter(self):
		self.assertIsNone(make_sample_template())  # already there: nothing happens
		opportunity = make_vn_opportunity()
		frappe.set_user(SALES_USER)
		response = api.download(SAMPLE_NAME, [opportunity.name])
		self.assertEqual(response.mimetype, api.MIMETYPES["docx"])
		self.assertEqual(download_name(response), f"{opportunity.opportunity_code}.docx")

		document = read_docx(response)
		text = all_text(document)
		self.assertIn(COMPANY.upper(), text)
		self.assertIn("MST: 0101234567", text)
		self.assertIn(vietnamese_date(getdate()).capitalize(), text)
		self.assertIn(f"Số: {opportunity.opportunity_code}", text)
		self.assertIn(f"Kính gửi: {CUSTOMER}", text)
		self.assertIn("“Dự án chuyển đổi số Hoa Sen”", text)
		self.assertIn("Tổng giá trị bằng chữ: Một trăm năm mươi triệu đồng.", text)
		self.assertIn("Administrator", text)
		self.assertIn(f"{COMPANY} \u2013 Thư chào giá {opportunity.opportunity_code}", text)  # footer
		self.assertNotIn("{{", text)
		self.assertNotIn("{%", text)

		rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
		self.assertEqual(len(rows), 5)  # header, three items, total: the {%tr %} rows are gone
		self.assertEqual(
			rows[1],
			["1", "OPT-TPL-001", "Phần mềm quản lý bán hàng", "Nos", "2", "25.000.000 ₫", "50.000.000 ₫"],
		)
		self.assertEqual(rows[2][2], "Đào tạo người dùng")
		self.assertEqual(rows[2][4:], ["5", "10.000.000 ₫", "50.000.000 ₫"])
		self.assertEqual(rows[3][2], "Triển khai và bảo hành")
		self.assertEqual(rows[4][-1], "150.000.000 ₫")

	def test_several_opportunities_give_a_zip_with_one_file_each(self):
		first, second = make_vn_opportunity(), make_vn_opportunity(title="Gói bảo trì năm 2027")
		response = api.download(SAMPLE_NAME, f'["{first.name}", "{second.name}"]')
		self.assertEqual(response.mimetype, "application/zip")
		self.assertTrue(download_name(response).endswith(".zip"))
		with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
			names = archive.namelist()
			self.assertEqual(
				sorted(names), sorted([f"{first.opportunity_code}.docx", f"{second.opportunity_code}.docx"])
			)
			second_text = all_text(Document(io.BytesIO(archive.read(f"{second.opportunity_code}.docx"))))
		self.assertIn("Gói bảo trì năm 2027", second_text)

	def test_every_field_party_labels_followers_and_filters_are_available(self):
		opportunity = make_vn_opportunity(
			contact_email="lan.nguyen@hoasen.example.com",
			opportunity_followers=[{"user": SALES_USER}],
		)
		template = make_template(
			docx_of(
				[
					"{{ doc.title }}|{{ doc.opportunity_amount | money }}|{{ doc.transaction_date | vn_date }}",
					"{{ party.type }}|{{ party.display_name }}|{{ party.tax_id }}|{{ party.email }}",
					"{{ pipeline }}|{{ stage }}|{{ followers_text }}|{{ labels | length }}",
					"{{ amount.text }}|{{ amount.words }}|{{ total.words }}|{{ items | length }}",
					"{{ doc.items[0].item_name }}|{{ 1234.5 | number }}|{{ company.currency }}",
					"{{ doc.title | upper }} & <b>{{ party.name }}</b>",
				]
			)
		)
		text = all_text(read_docx(api.download(template.name, opportunity.name)))
		lines = text.splitlines()
		self.assertEqual(lines[0], f"Dự án chuyển đổi số Hoa Sen|150.000.000 ₫|{vietnamese_date(getdate())}")
		self.assertEqual(lines[1], f"Customer|{CUSTOMER}|0309876543|lan.nguyen@hoasen.example.com")
		pipeline, stage, followers, labels = lines[2].split("|")
		self.assertEqual(pipeline, opportunity.sales_pipeline)
		self.assertEqual(stage, opportunity.sales_stage)
		self.assertIn(frappe.utils.get_fullname(SALES_USER), followers)
		self.assertEqual(labels, "0")
		self.assertEqual(
			lines[3], "150.000.000 ₫|Một trăm năm mươi triệu đồng|Một trăm năm mươi triệu đồng|3"
		)
		self.assertRegex(lines[4], r"^Phần mềm quản lý bán hàng\|1[.,]234[.,]5\|VND$")
		# values are text in Word's XML, not markup
		self.assertEqual(lines[5], f"DỰ ÁN CHUYỂN ĐỔI SỐ HOA SEN & <b>{CUSTOMER}</b>")


class TestTemplateMistakes(TemplatesTestCase):
	def assert_refused(self, content: bytes, *words: str, file_name: str = "template.docx"):
		with self.assertRaises(frappe.ValidationError) as refused:
			make_template(content, file_name)
		message = str(refused.exception)
		for word in words:
			self.assertIn(word, message)
		return message

	def test_unknown_placeholder_is_named_with_its_paragraph(self):
		message = self.assert_refused(
			docx_of(["Thư chào giá", "Kính gửi {{ party.ten_khach }}"]), "party.ten_khach", "does not exist"
		)
		self.assertIn("paragraph 2", message)
		self.assertIn("Kính gửi {{ party.ten_khach }}", message)
		self.assert_refused(docx_of(["{{ khach_hang }}"]), "khach_hang", "does not exist")
		self.assert_refused(docx_of(["{% if doc.khong_co %}x{% endif %}"]), "doc.khong_co")

	def test_broken_jinja_is_named_with_its_paragraph(self):
		message = self.assert_refused(
			docx_of(["Một", "Hai", "Số: {{ code }", "Bốn"]), "mistake in its placeholders"
		)
		self.assertIn("paragraph 3", message)
		self.assert_refused(
			docx_of(["{% for item in items %}{{ item.item_name }}"]), "mistake in its placeholders"
		)

	def test_sandbox_refuses_internals(self):
		self.assert_refused(docx_of(["{{ doc.__class__.__mro__ }}"]), "may not use")
		self.assert_refused(docx_of(["{{ frappe.db.sql('select 1') }}"]), "frappe", "does not exist")

	def test_files_that_are_not_docx_are_refused(self):
		self.assert_refused(b"just some text", "not a Word .docx file")
		self.assert_refused(docx_of(["x"]), "not a Word .docx file", file_name="template.txt")
		self.assert_refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "97-2003", file_name="old.doc")

	def test_large_files_are_refused(self):
		padding = os.urandom(11 * MB)  # random: the zip cannot make it smaller
		document = Document()
		document.add_paragraph("{{ doc.title }}")
		buffer = io.BytesIO()
		document.save(buffer)
		with zipfile.ZipFile(buffer, "a") as archive:
			archive.writestr("word/media/padding.bin", padding)
		self.assert_refused(buffer.getvalue(), "a template may be at most 10.0 MB")

	def test_a_mistake_found_at_export_names_the_opportunity_and_writes_nothing(self):
		template = make_template(docx_of(["{{ doc.title }}"]))
		broken = upload(docx_of(["{{ doc.title }}", "{{ doc.tieu_de }}"]))
		template.db_set("template_file", broken)  # e.g. a template saved before the check existed
		opportunity = make_vn_opportunity()
		frappe.clear_messages()
		with self.assertRaises(frappe.ValidationError) as refused:
			api.download(template.name, [opportunity.name])
		message = str(refused.exception)
		self.assertIn(opportunity.name, message)
		self.assertIn("doc.tieu_de", message)
		self.assertIn("paragraph 2", message)


class TestTemplatePermissions(TemplatesTestCase):
	def test_only_enabled_templates_of_the_users_roles_are_offered_and_usable(self):
		for_managers = make_template(docx_of(["{{ code }}"]), roles=[{"role": "Sales Manager"}])
		for_sales = make_template(docx_of(["{{ code }}"]), roles=[{"role": "Sales User"}])
		disabled = make_template(docx_of(["{{ code }}"]), enabled=0)
		opportunity = make_vn_opportunity()

		frappe.set_user(SALES_USER)
		offered = [t["name"] for t in api.get_templates()["templates"]]
		self.assertIn(for_sales.name, offered)
		self.assertIn(SAMPLE_NAME, offered)  # no roles: everyone who reads opportunities
		self.assertNotIn(for_managers.name, offered)
		self.assertNotIn(disabled.name, offered)
		self.assertEqual(
			read_docx(api.download(for_sales.name, opportunity.name)).paragraphs[0].text,
			opportunity.opportunity_code,
		)
		with self.assertRaises(frappe.PermissionError):
			api.download(for_managers.name, opportunity.name)
		with self.assertRaises(frappe.ValidationError):
			api.download(disabled.name, opportunity.name)
		self.assertFalse(frappe.has_permission("Opportunity Template", "write"))

	def test_every_opportunity_exported_must_be_readable(self):
		shared, hidden = make_vn_opportunity(), make_vn_opportunity()
		frappe.share.add_docshare(
			"Opportunity", shared.name, OUTSIDER, read=1, flags={"ignore_share_permission": True}
		)
		frappe.set_user(OUTSIDER)
		with self.assertRaises(frappe.PermissionError):
			api.download(SAMPLE_NAME, [shared.name, hidden.name])
		with self.assertRaises(frappe.PermissionError):
			api.download(SAMPLE_NAME, hidden.name)
		# the shared one is exported; the customer record itself is not readable: the opportunity's
		# own customer name is used
		text = all_text(read_docx(api.download(SAMPLE_NAME, shared.name)))
		self.assertIn(f"Kính gửi: {CUSTOMER}", text)

	def test_bad_arguments_get_a_message_not_a_traceback(self):
		opportunity = make_vn_opportunity()
		for kwargs in (
			{"template": SAMPLE_NAME, "names": "[not json"},
			{"template": SAMPLE_NAME, "names": '{"a": 1}'},
			{"template": SAMPLE_NAME, "names": ""},
			{"template": SAMPLE_NAME, "names": opportunity.name, "file_format": "exe"},
			{"template": "x" * 500, "names": opportunity.name},
			{"template": "Không có mẫu này", "names": opportunity.name},
			{"template": SAMPLE_NAME, "names": "CRM-OPP-KHONG-CO"},
			{"template": SAMPLE_NAME, "names": [f"N{i}" for i in range(api.MAX_OPPORTUNITIES + 1)]},
		):
			with self.subTest(kwargs=kwargs), self.assertRaises(frappe.ValidationError):
				api.download(**kwargs)


class TestPdf(TemplatesTestCase):
	def test_pdf_is_offered_only_with_libreoffice(self):
		opportunity = make_vn_opportunity()
		with patch.object(api, "soffice_path", return_value=None):
			self.assertFalse(api.get_templates()["pdf"])
			with self.assertRaises(frappe.ValidationError):
				api.download(SAMPLE_NAME, opportunity.name, "pdf")

		with tempfile.TemporaryDirectory() as folder:
			# a stand-in for LibreOffice: writes <outdir>/<name>.pdf as `soffice --convert-to pdf` does
			fake = os.path.join(folder, "soffice")
			with open(fake, "w") as f:
				f.write(
					'#!/bin/sh\nwhile [ $# -gt 1 ]; do [ "$1" = --outdir ] && out=$2; shift; done\n'
					'name=$(basename "$1" .docx)\nprintf "%%PDF-1.4 fake" > "$out/$name.pdf"\n'
				)
			os.chmod(fake, os.stat(fake).st_mode | stat.S_IEXEC)
			with patch.dict(os.environ, {"PATH": folder + os.pathsep + os.environ.get("PATH", "")}):
				self.assertTrue(api.get_templates()["pdf"])
				response = api.download(SAMPLE_NAME, opportunity.name, "pdf")
		self.assertEqual(response.mimetype, "application/pdf")
		self.assertEqual(download_name(response), f"{opportunity.opportunity_code}.pdf")
		self.assertTrue(response.get_data().startswith(b"%PDF"))
