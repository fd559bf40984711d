from opportunity_plus.queries.list_sql import plain_where

# as Frappe 15's get_list(fields=["name"], order_by="", run=0) writes them
NO_CONDITION = "select `name`\nfrom `tabOpportunity`\n\n\n\n"
USER_PERMISSION = (
	"select `name`\nfrom `tabOpportunity`\nwhere ((((coalesce(`tabOpportunity`.`sales_pipeline`, '')=''"
	" or `tabOpportunity`.`sales_pipeline` in ('North'))))\n\n\n"
)
CHILD_FILTER = (
	"select distinct `tabOpportunity`.`name`\nfrom `tabOpportunity` left join `tabOpportunity Label Detail`"
	" on (`tabOpportunity Label Detail`.`parent` = `tabOpportunity`.`name`)\nwhere `tabOpportunity Label"
	" Detail`.`label` = 'Hot' and `tabOpportunity`.`name` in (select name from `tabOpportunity` where x)\n\n\n"
)


def test_a_list_without_conditions_has_an_empty_where():
	assert plain_where(NO_CONDITION) == ""


def test_the_permission_conditions_are_kept_whole():
	assert plain_where(USER_PERMISSION) == (
		"((((coalesce(`tabOpportunity`.`sales_pipeline`, '')='' or `tabOpportunity`.`sales_pipeline` in"
		" ('North'))))"
	)


def test_a_join_is_not_a_plain_list_even_when_a_subquery_reads_the_table_alone():
	assert plain_where(CHILD_FILTER) is None


def test_ordering_or_a_limit_after_the_conditions_is_not_a_plain_list():
	assert (
		plain_where("select `name`\nfrom `tabOpportunity`\nwhere a = 1\n\norder by modified desc\n") is None
	)
	assert plain_where("select `name`\nfrom `tabOpportunity`\nwhere a = 1\n\n\nlimit 20") is None


def test_another_table_or_other_fields_are_not_a_plain_list():
	assert plain_where("select `name`\nfrom `tabLead`\nwhere a = 1") is None
	assert plain_where("select `name`, `title`\nfrom `tabOpportunity`\nwhere a = 1") is None
