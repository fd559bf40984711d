# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt
"""Filling an Opportunity Template (a Word .docx with Jinja placeholders) for an opportunity.

docxtpl does the Word part (placeholders split over runs, ``{%tr %}`` row loops); Jinja runs in a
sandbox (Frappe's unsafe attributes refused, like ``frappe.utils.jinja.get_jenv``) with an
undefined that fails on any unknown placeholder, and it sees only the context built here: the
opportunity the caller may read, its party (details only when the caller may read the party),
owner, pipeline, stage, labels, followers, the company, dates and amounts. No ``frappe`` globals:
a template cannot query the database on behalf of whoever exports with it.

A template with a mistake never gives a half-written file: the whole document is rendered in
memory first, and any problem is raised as a translated message naming the placeholder and the
paragraph it is in.
"""

import io
import os
import shutil
import subprocess
import tempfile
import traceback

import frappe
from frappe import _
from frappe.utils import cint, flt, fmt_money, formatdate, get_fullname, getdate, strip_html
from frappe.utils.safe_exec import UNSAFE_ATTRIBUTES
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import missing

from opportunity_plus.messages import bold, esc
from opportunity_plus.rules import RuleError
from opportunity_plus.rules.word_templates import (
	check_docx,
	check_template_size,
	money_in_words,
	paragraph_texts,
	snippet,
	vietnamese_date,
)

PDF_TIMEOUT = 120  # seconds LibreOffice may take for one document
SKIPPED_FIELDTYPES = frozenset(
	{"Section Break", "Column Break", "Tab Break", "HTML", "Button", "Fold", "Heading", "Image"}
)
HTML_FIELDTYPES = frozenset({"Text Editor", "HTML Editor", "Markdown Editor"})


class TemplateProblem(Exception):
	"""A template that cannot be filled in; ``message`` is translated and safe to show as HTML."""

	def __init__(self, message: str):
		super().__init__(message)
		self.message = message


# ------------------------------------------------------------------------ the Jinja environment


class Fields:
	"""Values a template reads as ``doc.title`` or ``doc["title"]``; an unknown key is an error that
	names it (``doc.titel``). Not a dict, so ``doc.items`` is the opportunity's items, not dict.items."""

	__slots__ = ("_path", "_values")

	def __init__(self, path: str, values: dict):
		self._path = path
		self._values = values

	def __getattr__(self, name):
		try:
			return self._values[name]
		except KeyError:
			raise AttributeError(name) from None

	def __getitem__(self, key):
		return self._values[key]

	def __contains__(self, key):
		return key in self._values

	def __repr__(self):
		return f"<{self._path}>"


class MissingPlaceholder(StrictUndefined):
	"""Fails on any use, with the full placeholder name as the message (``doc.titel``)."""

	__slots__ = ()

	@property
	def _undefined_message(self) -> str:
		if self._undefined_hint:
			return self._undefined_hint
		path = None
		if self._undefined_obj is not missing:
			path = (
				getattr(self._undefined_obj, "_path", None)
				if isinstance(self._undefined_obj, Fields)
				else None
			)
		return f"{path}.{self._undefined_name}" if path else str(self._undefined_name)


class TemplateEnvironment(SandboxedEnvironment):
	def is_safe_attribute(self, obj, attr, value):
		if attr in UNSAFE_ATTRIBUTES:
			return False
		return super().is_safe_attribute(obj, attr, value)


def make_environment(currency: str) -> TemplateEnvironment:
	env = TemplateEnvironment(
		undefined=MissingPlaceholder,
		autoescape=True,  # values go into Word's XML: "<", "&" must stay text
		finalize=lambda value: "" if value is None else value,
	)
	env.filters.update(
		{
			"money": lambda value, in_currency=None: format_money(value, in_currency or currency),
			"words": lambda value, in_currency=None: money_in_words(flt(value), in_currency or currency),
			"number": format_number,
			"date": lambda value: formatdate(value) if value else "",
			"vn_date": lambda value: vietnamese_date(getdate(value)) if value else "",
			"len": len,
			"int": cint,
			"flt": flt,
		}
	)
	return env


def format_money(value, currency: str | None) -> str:
	"""In the currency's own number format when it has one (VND: 150.000.000), else the system's."""
	if value is None:
		return ""
	number_format = (
		frappe.db.get_value("Currency", currency, "number_format", cache=True) if currency else None
	)
	return fmt_money(flt(value), currency=currency, format=number_format or None)


def format_number(value) -> str:
	if value is None or value == "":
		return ""
	number = flt(value)
	if number == int(number):
		return fmt_money(number, precision=0)
	return fmt_money(number, precision=3).rstrip("0").rstrip(",.")


# ------------------------------------------------------------------------ placeholders (help text)


def placeholders() -> list[tuple[str, str]]:
	"""(placeholder, what it is) shown on the template form."""
	return [
		("{{ doc.title }}, {{ doc.transaction_date | vn_date }}", _("Any field of the opportunity")),
		("{{ code }}", _("Opportunity code (or its ID when it has no code)")),
		(
			"{%tr for item in items %} … {%tr endfor %}",
			_(
				"A table row repeated for each item: put the two tags in rows of their own above and below the row"
			),
		),
		(
			"{{ item.idx }} {{ item.item_code }} {{ item.item_name }} {{ item.description }} {{ item.uom }}",
			_("Item number, code, name, description (plain text) and unit"),
		),
		(
			"{{ item.qty_text }} {{ item.rate_text }} {{ item.amount_text }}",
			_("Quantity, rate and amount of the item, formatted in the company currency"),
		),
		(
			"{{ party.display_name }} {{ party.type }} {{ party.name }} {{ party.tax_id }}",
			_("Customer or lead: name, type (Customer, Lead), ID and tax ID"),
		),
		(
			"{{ party.address }} {{ party.email }} {{ party.phone }} {{ party.mobile }} {{ party.website }}",
			_("Address and contact details of the customer or lead"),
		),
		(
			"{{ party.contact }} {{ party.contact_email }} {{ party.contact_mobile }}",
			_("Contact person of the opportunity"),
		),
		("{{ owner.full_name }} {{ owner.email }}", _("Owner of the opportunity")),
		("{{ pipeline }} {{ stage }}", _("Sales pipeline and stage")),
		("{{ labels_text }} {{ followers_text }}", _("Labels and followers, separated by commas")),
		(
			"{% for label in labels %}{{ label }}{% endfor %}, {% for f in followers %}{{ f.full_name }}{% endfor %}",
			_("Labels and followers one by one"),
		),
		(
			"{{ company.company_name }} {{ company.address }} {{ company.tax_id }} {{ company.phone }} {{ company.email }} {{ company.website }}",
			_("Your company"),
		),
		("{{ today }}", _("Today in Vietnamese, e.g. ngày 30 tháng 11 năm 2026")),
		("{{ today_date }}", _("Today in the system date format")),
		(
			"{{ amount.text }} {{ amount.words }}",
			_("Opportunity amount in the company currency, in figures and in Vietnamese words"),
		),
		(
			"{{ total.text }} {{ total.words }}",
			_("Total of the items in the company currency, in figures and in Vietnamese words"),
		),
		(
			"| money | words | number | date | vn_date",
			_(
				"Filters: {{ doc.opportunity_amount | money }}, {{ item.qty | number }}, {{ doc.expected_closing | vn_date }}"
			),
		),
	]


# ------------------------------------------------------------------------ the context


def plain(value):
	return strip_html(value).strip() if isinstance(value, str) else value


def row_values(doc, path: str) -> Fields:
	"""Scalar fields of a document or row; text editor fields as plain text."""
	values = {"name": doc.name, "idx": doc.get("idx"), "owner": doc.get("owner")}
	for df in doc.meta.fields:
		if df.fieldtype in SKIPPED_FIELDTYPES:
			continue
		value = doc.get(df.fieldname)
		if df.fieldtype in ("Table", "Table MultiSelect"):
			values[df.fieldname] = [row_values(row, df.fieldname) for row in value or []]
		else:
			values[df.fieldname] = plain(value) if df.fieldtype in HTML_FIELDTYPES else value
	return Fields(path, values)


def address_text(address_name: str | None) -> str:
	if not address_name or not frappe.db.exists("Address", address_name):
		return ""
	address = frappe.get_cached_doc("Address", address_name)
	parts = [address.address_line1, address.address_line2, address.city, address.state, address.country]
	return ", ".join(str(part).strip() for part in parts if part and str(part).strip())


def display_text(html: str | None) -> str:
	"""An address/contact display (HTML with <br>) on one line."""
	if not html:
		return ""
	lines = [strip_html(line).strip(" ,") for line in str(html).replace("<br/>", "<br>").split("<br>")]
	return ", ".join(line for line in lines if line)


def party_values(opportunity) -> Fields:
	party_type = opportunity.opportunity_from
	party_name = opportunity.party_name
	values = {
		"type": party_type or "",
		"name": party_name or "",
		"display_name": opportunity.customer_name or party_name or "",
		"company_name": "",
		"tax_id": "",
		"email": opportunity.contact_email or "",
		"phone": opportunity.phone or "",
		"mobile": opportunity.contact_mobile or "",
		"website": opportunity.website or "",
		"address": display_text(opportunity.address_display) or address_text(opportunity.customer_address),
		"contact": opportunity.contact_display or opportunity.contact_person or "",
		"contact_email": opportunity.contact_email or "",
		"contact_mobile": opportunity.contact_mobile or "",
	}
	readable = (
		party_type in ("Customer", "Lead", "Prospect")
		and party_name
		and frappe.db.exists(party_type, party_name)
		and frappe.has_permission(party_type, "read", party_name)
	)
	if readable:
		party = frappe.get_doc(party_type, party_name)
		if party_type == "Customer":
			values["display_name"] = party.customer_name or values["display_name"]
			values["company_name"] = party.customer_name or ""
			values["tax_id"] = party.tax_id or ""
			values["email"] = values["email"] or party.email_id or ""
			values["mobile"] = values["mobile"] or party.mobile_no or ""
			values["website"] = values["website"] or party.website or ""
			values["address"] = values["address"] or address_text(party.customer_primary_address)
		elif party_type == "Lead":
			values["display_name"] = party.company_name or party.lead_name or values["display_name"]
			values["company_name"] = party.company_name or ""
			values["email"] = values["email"] or party.email_id or ""
			values["phone"] = values["phone"] or party.phone or ""
			values["mobile"] = values["mobile"] or party.mobile_no or ""
			values["website"] = values["website"] or party.website or ""
			if not values["address"]:
				values["address"] = ", ".join(p for p in (party.city, party.state, party.country) if p)
		else:
			values["display_name"] = party.company_name or values["display_name"]
			values["company_name"] = party.company_name or ""
			values["website"] = values["website"] or party.website or ""
	return Fields("party", values)


def company_values(company: str | None) -> Fields:
	"""The company's letterhead details (the seller's own, public data: read without a permission check,
	as ERPNext's print formats do)."""
	values = dict.fromkeys(
		("name", "company_name", "abbr", "tax_id", "phone", "email", "website", "fax", "address", "currency"),
		"",
	)
	if company and frappe.db.exists("Company", company):
		doc = frappe.get_cached_doc("Company", company)
		from erpnext.setup.doctype.company.company import get_default_company_address

		values.update(
			name=doc.name,
			company_name=doc.company_name,
			abbr=doc.abbr,
			tax_id=doc.tax_id or "",
			phone=doc.phone_no or "",
			email=doc.email or "",
			website=doc.website or "",
			fax=doc.fax or "",
			address=address_text(get_default_company_address(doc.name)),
			currency=doc.default_currency or "",
		)
	return Fields("company", values)


def money_values(path: str, value, currency: str) -> Fields:
	return Fields(
		path,
		{
			"value": flt(value),
			"text": format_money(flt(value), currency),
			"words": money_in_words(flt(value), currency),
			"currency": currency,
		},
	)


def item_values(row, currency: str, rate_factor: float) -> Fields:
	values = row_values(row, "item")._values
	rate = flt(row.get("base_rate")) or flt(row.get("rate")) * rate_factor
	amount = flt(row.get("base_amount")) or flt(row.get("amount")) * rate_factor
	values.update(
		{
			"description": plain(row.get("description")) or "",
			"qty_text": format_number(row.get("qty")),
			"rate_text": format_money(rate, currency),
			"amount_text": format_money(amount, currency),
			"amount_words": money_in_words(amount, currency),
		}
	)
	return Fields("item", values)


def build_context(opportunity) -> dict:
	"""Everything a template may use, for an opportunity the caller may read."""
	company = company_values(opportunity.company)
	currency = company.currency or opportunity.currency or "VND"
	factor = flt(opportunity.conversion_rate) or 1.0
	items = [item_values(row, currency, factor) for row in opportunity.get("items") or []]
	amount = flt(opportunity.base_opportunity_amount) or flt(opportunity.opportunity_amount) * factor
	total = flt(opportunity.base_total) or sum(
		flt(row.get("base_amount")) or flt(row.get("amount")) * factor
		for row in opportunity.get("items") or []
	)
	owner = opportunity.get("opportunity_owner") or opportunity.owner
	labels = [row.label for row in opportunity.get("opportunity_labels") or []]
	followers = [
		Fields("follower", {"user": row.user, "full_name": get_fullname(row.user)})
		for row in opportunity.get("opportunity_followers") or []
	]
	today = getdate()
	return {
		"doc": row_values(opportunity, "doc"),
		"code": opportunity.get("opportunity_code") or opportunity.name,
		"items": items,
		"party": party_values(opportunity),
		"owner": Fields(
			"owner",
			{
				"user": owner or "",
				"full_name": get_fullname(owner) if owner else "",
				"email": frappe.db.get_value("User", owner, "email") or "" if owner else "",
			},
		),
		"pipeline": opportunity.get("sales_pipeline") or "",
		"stage": opportunity.get("sales_stage") or "",
		"labels": labels,
		"labels_text": ", ".join(labels),
		"followers": followers,
		"followers_text": ", ".join(f.full_name for f in followers),
		"company": company,
		"today": vietnamese_date(today),
		"today_date": formatdate(today),
		"amount": money_values("amount", amount, currency),
		"total": money_values("total", total, currency),
		"currency": currency,
	}


def sample_opportunity(company: str | None = None):
	"""An unsaved opportunity with two items: what a template is checked against when it is saved."""
	company = (
		company or frappe.defaults.get_user_default("Company") or frappe.db.get_value("Company", {}, "name")
	)
	doc = frappe.new_doc("Opportunity")
	doc.update(
		{
			"name": "CRM-OPP-SAMPLE",
			"opportunity_from": "Lead",
			"party_name": "",
			"customer_name": _("Sample customer"),
			"title": _("Sample customer"),
			"company": company,
			"transaction_date": getdate(),
			"opportunity_amount": 1000,
			"base_opportunity_amount": 1000,
			"conversion_rate": 1,
		}
	)
	for index in (1, 2):
		doc.append(
			"items",
			{
				"item_code": f"ITEM-{index}",
				"item_name": _("Sample item"),
				"qty": index,
				"rate": 500,
				"amount": 500 * index,
			},
		)
	return doc


# ------------------------------------------------------------------------ loading and rendering


def read_template_file(file_url: str | None, template_name: str) -> tuple[str, bytes]:
	"""(file name, content) of a template's uploaded file, after the size and format checks."""
	if not file_url:
		raise TemplateProblem(_("The template {0} has no Word file.").format(bold(template_name)))
	if not file_url.startswith(("/files/", "/private/files/")):
		raise TemplateProblem(
			_("The template {0} must be a file uploaded to this site, not a link.").format(
				bold(template_name)
			)
		)
	file_name = frappe.db.get_value("File", {"file_url": file_url}, "name", order_by="creation desc")
	if not file_name:
		raise TemplateProblem(
			_("The Word file of the template {0} was not found.").format(bold(template_name))
		)
	file_doc = frappe.get_doc("File", file_name)
	try:
		check_template_size(cint(file_doc.file_size))
		content = file_doc.get_content()
		if isinstance(content, str):
			content = content.encode()
		check_docx(file_doc.file_name or os.path.basename(file_url), content)
	except RuleError as e:
		raise TemplateProblem(
			_("The template {0} cannot be used: {1}").format(
				bold(template_name),
				e.translated(_),  # safe-html: RuleError.translated escapes the values it puts in
			)
		)
	except OSError:
		raise TemplateProblem(
			_("The Word file of the template {0} was not found.").format(bold(template_name))
		)
	return file_doc.file_name, content


def template_line(exc: BaseException) -> int | None:
	"""Line of the template where a Jinja error happened: from a syntax error, or the traceback
	frames Jinja rewrites to point into the template."""
	lineno = getattr(exc, "lineno", None)
	if lineno:
		return lineno
	for frame, line in traceback.walk_tb(exc.__traceback__):
		if frame.f_code.co_filename == "<template>":
			lineno = line
	return lineno


def error_place(content: bytes, part, lineno: int | None) -> str:
	"""' in paragraph 4 of the document body: “Kính gửi {{ party.nam }}”', or ''."""
	if not lineno:
		return ""
	from docx import Document
	from docx.oxml import parse_xml
	from docxtpl import DocxTemplate

	try:
		tpl = DocxTemplate(io.BytesIO(content))
		tpl.init_docx()
		document = Document(io.BytesIO(content))
		partname = str(getattr(part, "partname", "") or "")
		if not partname or partname == str(document.part.partname):
			xml, where = tpl.xml_to_string(document._element.body), _("the document body")
		else:
			blob = next(
				rel.target_part.blob
				for rel in document.part.rels.values()
				if not rel.is_external and str(rel.target_part.partname) == partname
			)
			xml = tpl.xml_to_string(parse_xml(blob))
			where = _("a footer") if "footer" in partname else _("a header")
		texts = paragraph_texts(tpl.patch_xml(xml))
	except Exception:
		return ""
	text = texts[lineno - 1] if 0 < lineno <= len(texts) else ""
	number = max(lineno - 1, 1)
	if text:
		return " " + _("(paragraph {0} of {1}: “{2}”)").format(cint(number), esc(where), esc(snippet(text)))
	return " " + _("(paragraph {0} of {1})").format(cint(number), esc(where))


def render_docx(content: bytes, context: dict, template_name: str, currency: str) -> bytes:
	"""The filled .docx, or TemplateProblem naming the mistake and where it is."""
	from docxtpl import DocxTemplate
	from lxml.etree import XMLSyntaxError

	tpl = DocxTemplate(io.BytesIO(content))
	try:
		tpl.init_docx()
	except Exception as e:  # python-docx cannot read it as a Word document
		raise TemplateProblem(
			_("The template {0} cannot be opened as a Word document: {1}.").format(
				bold(template_name), esc(str(e).rstrip("."))
			)
		)
	try:
		tpl.render(context, jinja_env=make_environment(currency), autoescape=True)
		output = io.BytesIO()
		tpl.save(output)
		return output.getvalue()
	except TemplateSyntaxError as e:
		failure = e
		problem = _("The template {0} has a mistake in its placeholders: {1}.").format(
			bold(template_name), esc(str(e.message).rstrip("."))
		)
	except SecurityError as e:
		failure = e
		problem = _("The template {0} uses something templates may not use: {1}.").format(
			bold(template_name), esc(str(e).rstrip("."))
		)
	except UndefinedError as e:
		failure = e
		problem = _("The template {0} uses the placeholder {1}, which does not exist.").format(
			bold(template_name), bold(e)
		)
	except XMLSyntaxError:
		raise TemplateProblem(
			_(
				"The template {0} gives a broken Word document: a tag such as {1} or {2} probably starts and ends in different paragraphs or table cells (use {3} or {4} tags for those)."
			).format(bold(template_name), esc("{% if %}"), esc("{% for %}"), esc("{%p %}"), esc("{%tr %}"))
		)
	except (TemplateError, TypeError, ValueError, ArithmeticError, AttributeError, KeyError, IndexError) as e:
		failure = e
		problem = _("The template {0} could not be filled in: {1}.").format(
			bold(template_name), esc(str(e).rstrip("."))
		)
	raise TemplateProblem(
		problem + error_place(content, getattr(tpl, "current_rendering_part", None), template_line(failure))
	)


def check_template(file_url: str | None, template_name: str) -> None:
	"""Render the template for a sample opportunity: raises TemplateProblem on any mistake."""
	_file_name, content = read_template_file(file_url, template_name)
	opportunity = sample_opportunity()
	context = build_context(opportunity)
	render_docx(content, context, template_name, context["currency"])


# ------------------------------------------------------------------------ PDF (LibreOffice)


def soffice_path() -> str | None:
	return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(content: bytes, template_name: str) -> bytes:
	"""The document converted by LibreOffice (headless, own profile, time-limited)."""
	soffice = soffice_path()
	if not soffice:
		raise TemplateProblem(
			_("PDF export needs LibreOffice on the server; download the Word file instead.")
		)
	with tempfile.TemporaryDirectory(prefix="opportunity_plus_pdf_") as folder:
		source = os.path.join(folder, "document.docx")
		with open(source, "wb") as f:
			f.write(content)
		command = [
			soffice,
			f"-env:UserInstallation=file://{folder}/profile",
			"--headless",
			"--convert-to",
			"pdf",
			"--outdir",
			folder,
			source,
		]
		try:
			subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT, check=False, cwd=folder)
		except (OSError, subprocess.TimeoutExpired):
			pass
		target = os.path.join(folder, "document.pdf")
		if not os.path.exists(target):
			raise TemplateProblem(
				_("LibreOffice could not convert the document of template {0} to PDF.").format(
					bold(template_name)
				)
			)
		with open(target, "rb") as f:
			return f.read()
