"""The sample Word template shipped with the app: a Vietnamese offer letter ("Thư chào giá") with an
items table, created on install and usable as is (templates_docx/thu_chao_gia.docx)."""

from pathlib import Path

import frappe

SAMPLE_NAME = "Thư chào giá (mẫu)"
SAMPLE_FILE = Path(__file__).resolve().parents[1] / "templates_docx" / "thu_chao_gia.docx"
SAMPLE_FILE_NAME = "thu_chao_gia.docx"
TEMPLATE = "Opportunity Template"


def make_sample_template() -> str | None:
	"""Create the sample template once (idempotent: nothing happens when it exists)."""
	if not frappe.db.table_exists(TEMPLATE) or frappe.db.exists(TEMPLATE, SAMPLE_NAME):
		return None
	template = frappe.get_doc(
		{
			"doctype": TEMPLATE,
			"template_name": SAMPLE_NAME,
			"enabled": 1,
			"description": "Thư chào giá gửi khách hàng, có bảng hàng hóa và tổng tiền bằng chữ.",
		}
	)
	file_doc = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": SAMPLE_FILE_NAME,
			"is_private": 1,
			"content": SAMPLE_FILE.read_bytes(),
		}
	).insert(ignore_permissions=True)  # install: no user session
	template.template_file = file_doc.file_url
	template.insert(ignore_permissions=True)
	file_doc.db_set(
		{
			"attached_to_doctype": TEMPLATE,
			"attached_to_name": template.name,
			"attached_to_field": "template_file",
		}
	)
	return template.name
