"""A broken rule's message is shown as HTML by the desk: the values in it show as typed."""

from opportunity_plus.rules import RuleError


def test_text_values_are_escaped_numbers_are_not():
	error = RuleError("Stage {stage} needs {count} reasons.", stage='<img src=x onerror="x()">', count=2)
	shown = error.translated(lambda message: message)
	assert shown == "Stage &lt;img src=x onerror=&quot;x()&quot;&gt; needs 2 reasons."


def test_the_translation_is_filled_in():
	error = RuleError("Stage {stage} is closed.", stage="Won & Done")
	assert (
		error.translated(lambda message: "Giai đoạn {stage} đã đóng.") == "Giai đoạn Won &amp; Done đã đóng."
	)
