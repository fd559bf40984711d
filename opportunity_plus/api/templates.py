"""Export opportunities with a Word template ("Biểu mẫu"): the templates a user may use, and the
download of the filled .docx (or PDF, when LibreOffice is installed) for one opportunity, or a zip
with one file each for several.

The download only reads, but it is POST-only all the same: docxtpl writes the filled document
with ``save()`` (into memory), which the app's static check counts as a write, and the desk fetches
the file with its CSRF token anyway. The caller must be able to read every opportunity exported (each one
is checked before anything is rendered) and be allowed to use the template (its roles; managers of
templates may use them all). Every document is rendered in memory first: a template with a mistake
gives a message naming the placeholder and paragraph, never a half-written file.
"""

import io
import zipfile

import frappe
from frappe import _
from frappe.utils import cint, nowdate
from werkzeug.wrappers import Response

from opportunity_plus.arguments import invalid, list_arg, text_arg
from opportunity_plus.messages import bold
from opportunity_plus.opportunity_plus.doctype.opportunity_template.rendering import (
	TemplateProblem,
	build_context,
	docx_to_pdf,
	read_template_file,
	render_docx,
	soffice_path,
)
from opportunity_plus.rules.word_templates import content_disposition, safe_filename, unique_filenames

TEMPLATE = "Opportunity Template"
MAX_OPPORTUNITIES = 100
FORMATS = ("docx", "pdf")
MIMETYPES = {
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"pdf": "application/pdf",
	"zip": "application/zip",
}


def may_use(template: dict | frappe._dict, user: str | None = None) -> bool:
	"""Enabled, and the user has one of its roles (or it names none), or may read templates."""
	user = user or frappe.session.user
	if not cint(template.get("enabled")):
		return False
	roles = template.get("roles")
	if roles is None:
		roles = frappe.get_all(
			"Has Role", filters={"parenttype": TEMPLATE, "parent": template["name"]}, pluck="role"
		)
	roles = [row if isinstance(row, str) else row.role for row in roles]
	if not roles or set(roles) & set(frappe.get_roles(user)):
		return True
	return bool(frappe.has_permission(TEMPLATE, "read", template["name"], user=user))


@frappe.whitelist()
def get_templates() -> dict:
	"""The enabled templates the user may export opportunities with, and whether PDF is offered."""
	if not frappe.has_permission("Opportunity", "read"):
		frappe.throw(_("You may not read opportunities."), frappe.PermissionError)
	templates = frappe.get_all(
		TEMPLATE,
		filters={"enabled": 1},
		fields=["name", "template_name", "description", "enabled"],
		order_by="template_name asc",
	)
	return {
		"templates": [
			{"name": t.name, "template_name": t.template_name, "description": t.description or ""}
			for t in templates
			if may_use(t)
		],
		"pdf": bool(soffice_path()),
	}


@frappe.whitelist(methods=["POST"])
def download(template: str, names: str | list[str], file_format: str | None = "docx") -> Response:
	"""The filled template for the opportunities ``names``: one file, or a zip of one file each."""
	template_name = text_arg(template, _("Template"))
	names = list(dict.fromkeys(list_arg(names, _("Opportunities"))))
	file_format = text_arg(file_format or "docx", _("Format"), max_length=10)
	if file_format not in FORMATS:
		invalid(_("Format"), _("it must be docx or pdf"))
	if not names:
		frappe.throw(_("Choose at least one opportunity."))
	if len(names) > MAX_OPPORTUNITIES:
		frappe.throw(
			_("At most {0} opportunities can be exported at once; {1} were chosen.").format(
				cint(MAX_OPPORTUNITIES), len(names)
			)
		)

	template_doc = load_template(template_name)
	opportunities = [load_opportunity(name) for name in names]  # every one checked before any work
	if file_format == "pdf" and not soffice_path():
		frappe.throw(_("PDF export needs LibreOffice on the server; download the Word file instead."))

	files = []
	try:
		_file_name, content = read_template_file(template_doc.template_file, template_doc.name)
		for opportunity in opportunities:
			files.append(render_one(template_doc.name, content, opportunity, file_format))
	except TemplateProblem as e:
		frappe.throw(e.message, title=_("Export with Template"))

	if len(files) == 1:
		return file_response(*files[0], MIMETYPES[file_format])
	buffer = io.BytesIO()
	with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
		for file_name, data in zip(
			unique_filenames([f[0] for f in files]), (f[1] for f in files), strict=True
		):
			archive.writestr(file_name, data)
	zip_name = safe_filename(f"{template_doc.template_name} {nowdate()}", "zip")
	return file_response(zip_name, buffer.getvalue(), MIMETYPES["zip"])


def load_template(name: str | None):
	if not name or not frappe.db.exists(TEMPLATE, name):
		frappe.throw(_("Opportunity Template {0} does not exist.").format(bold(name)))
	doc = frappe.get_doc(TEMPLATE, name)
	if not doc.enabled:
		frappe.throw(_("Opportunity Template {0} is disabled.").format(bold(name)))
	if not may_use({"name": doc.name, "enabled": doc.enabled, "roles": doc.roles}):
		frappe.throw(
			_("You may not use the Opportunity Template {0}.").format(bold(name)), frappe.PermissionError
		)
	return doc


def load_opportunity(name: str):
	if not frappe.db.exists("Opportunity", name):
		frappe.throw(_("Opportunity {0} does not exist.").format(bold(name)))
	doc = frappe.get_doc("Opportunity", name)
	if not frappe.has_permission("Opportunity", "read", doc):
		frappe.throw(_("You may not read the opportunity {0}.").format(bold(name)), frappe.PermissionError)
	return doc


def render_one(template_name: str, content: bytes, opportunity, file_format: str) -> tuple[str, bytes]:
	"""(file name, data) of one opportunity filled into the template."""
	context = build_context(opportunity)
	try:
		data = render_docx(content, context, template_name, context["currency"])
		if file_format == "pdf":
			data = docx_to_pdf(data, template_name)
	except TemplateProblem as e:
		raise TemplateProblem(
			_("Opportunity {0}:").format(bold(opportunity.name))
			+ " "
			+ e.message  # safe-html: translated, escaped
		)
	code = opportunity.get("opportunity_code") or opportunity.name
	return safe_filename(code, file_format), data


def file_response(file_name: str, data: bytes, mimetype: str) -> Response:
	"""The file as an attachment, its name kept exactly (also when it is not ASCII)."""
	response = Response(data, mimetype=mimetype)
	response.headers["Content-Disposition"] = content_disposition(file_name)
	response.headers["Cache-Control"] = "no-store"
	response.headers["X-Content-Type-Options"] = "nosniff"
	return response
