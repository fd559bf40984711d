import json
from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

from opportunity_plus.rules.board import days_in_stage, is_stale
from opportunity_plus.rules.pipeline import Stage
from opportunity_plus.rules.reminders import (
	CLOSING_SOON,
	DIGEST_LIMIT,
	FOLLOWER,
	OVERDUE,
	OWNER,
	STALE,
	Candidate,
	Item,
	Preference,
	Reminder,
	ReminderSettings,
	closing_reminder,
	default_preference,
	digest_groups,
	digest_subject,
	group_link,
	item_phrase,
	message,
	people,
	recipients,
	reminders_due,
	stale_reminder,
	still_blocks,
	wants,
)

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 0, 5)  # the daily job runs just after midnight
ON = ReminderSettings(enabled=True, days_before_closing=3, remind_stale=True)


def events(reminders):
	return sorted((r.opportunity, r.event, r.key, r.days) for r in reminders)


def test_closing_soon_within_the_days_before_including_today():
	assert closing_reminder(Candidate("A", expected_closing=date(2026, 3, 13)), TODAY, 3) == Reminder(
		"A", CLOSING_SOON, "2026-03-13", 3
	)
	assert closing_reminder(Candidate("A", expected_closing=TODAY), TODAY, 3).days == 0
	assert closing_reminder(Candidate("A", expected_closing=date(2026, 3, 14)), TODAY, 3) is None
	assert closing_reminder(Candidate("A"), TODAY, 3) is None
	# 0 days before: only on the day itself
	assert closing_reminder(Candidate("A", expected_closing=date(2026, 3, 11)), TODAY, 0) is None
	assert closing_reminder(Candidate("A", expected_closing=TODAY), TODAY, 0).event == CLOSING_SOON


def test_overdue_once_the_date_has_passed():
	reminder = closing_reminder(Candidate("A", expected_closing=date(2026, 3, 1)), TODAY, 3)
	assert (reminder.event, reminder.key, reminder.days) == (OVERDUE, "2026-03-01", 9)


def test_stale_once_longer_in_the_stage_than_allowed_as_the_board_marks_it():
	entered = datetime(2026, 2, 23, 15, 30)  # 14 whole days and some hours before NOW
	stale = stale_reminder(
		Candidate("A", sales_stage="Proposal", stage_entered_on=entered, stale_after_days=13), NOW
	)
	assert (stale.event, stale.key, stale.days) == (STALE, "Proposal@2026-02-23 15:30:00", 14)
	# 14 days in a stage that allows 14 is not stale yet (the board agrees)
	at_limit = Candidate("A", sales_stage="Proposal", stage_entered_on=entered, stale_after_days=14)
	assert stale_reminder(at_limit, NOW) is None
	assert not is_stale(days_in_stage(entered, NOW), Stage("Proposal", stale_after_days=14))
	never = Candidate("A", sales_stage="Won", stage_entered_on=entered, stale_after_days=0)
	assert stale_reminder(never, NOW) is None
	assert stale_reminder(Candidate("A", sales_stage="Proposal", stale_after_days=3), NOW) is None
	# a date without time counts from midnight
	dated = Candidate("A", sales_stage="Proposal", stage_entered_on=date(2026, 3, 1), stale_after_days=5)
	assert stale_reminder(dated, NOW).key == "Proposal@2026-03-01 00:00:00"


def test_only_open_opportunities_and_only_what_was_not_sent():
	candidates = [
		Candidate("OPEN", expected_closing=date(2026, 3, 12)),
		Candidate("QUOTED", status="Quotation", expected_closing=date(2026, 3, 2)),
		Candidate("WON", status="Converted", expected_closing=date(2026, 3, 12)),
		Candidate("LOST", status="Lost", expected_closing=date(2026, 3, 12)),
		Candidate("CLOSED", status="Closed", expected_closing=date(2026, 3, 12)),
		Candidate(
			"STALE",
			expected_closing=date(2026, 6, 1),
			sales_stage="Qualification",
			stage_entered_on=datetime(2026, 1, 1, 9, 0),
			stale_after_days=14,
		),
	]
	due = reminders_due(candidates, NOW, ON)
	assert events(due) == [
		("OPEN", CLOSING_SOON, "2026-03-12", 2),
		("QUOTED", OVERDUE, "2026-03-02", 8),
		("STALE", STALE, "Qualification@2026-01-01 09:00:00", 67),
	]
	# the same day again, with what was sent remembered: nothing new
	assert reminders_due(candidates, NOW, ON, {r.reminder_key for r in due}) == []
	# a new expected closing date is a new event
	moved = [Candidate("OPEN", expected_closing=date(2026, 3, 13))]
	assert events(reminders_due(moved, NOW, ON, {r.reminder_key for r in due})) == [
		("OPEN", CLOSING_SOON, "2026-03-13", 3)
	]


def test_settings_switch_reminders_and_stale_reminders():
	candidate = Candidate(
		"A",
		expected_closing=TODAY,
		sales_stage="Qualification",
		stage_entered_on=date(2026, 1, 1),
		stale_after_days=1,
	)
	assert reminders_due([candidate], NOW, ReminderSettings(enabled=False, remind_stale=True)) == []
	no_stale = ReminderSettings(enabled=True, remind_stale=False)
	assert [r.event for r in reminders_due([candidate], NOW, no_stale)] == [CLOSING_SOON]
	assert sorted(r.event for r in reminders_due([candidate], NOW, ON)) == [CLOSING_SOON, STALE]


def test_recipients_owner_or_creator_then_followers_once_each():
	assert recipients("ann@x", "admin@x", ["bob@x", "ann@x"], include_followers=False) == ["ann@x"]
	assert recipients("ann@x", "admin@x", ["bob@x", "ann@x", "cid@x"], include_followers=True) == [
		"ann@x",
		"bob@x",
		"cid@x",
	]
	assert recipients(None, "admin@x", [], include_followers=True) == ["admin@x"]
	assert recipients(None, None, ["bob@x"], include_followers=False) == []


def test_messages_say_what_happens_and_when():
	template, params = message(Reminder("A", CLOSING_SOON, "2026-03-13", 3))
	assert template.format(title="Deal", date="13-03-2026", **params) == (
		"Deal is expected to close in 3 days, on 13-03-2026."
	)
	template, params = message(Reminder("A", CLOSING_SOON, "2026-03-10", 0))
	assert template.format(title="Deal", **params) == "Deal is expected to close today."
	template, params = message(Reminder("A", OVERDUE, "2026-03-09", 1))
	assert "yesterday" in template.format(title="Deal", date="09-03-2026", **params)
	template, params = message(Reminder("A", OVERDUE, "2026-03-01", 9))
	assert template.format(title="Deal", date="01-03-2026", **params) == (
		"Deal was expected to close on 01-03-2026, 9 days ago, and is still open."
	)
	template, params = message(Reminder("A", STALE, "Proposal@2026-02-24 15:30:00", 14), limit_days=14)
	assert template.format(title="Deal", **params) == (
		"Deal has been in stage Proposal for 14 days (stale after 14 days)."
	)


# ================================================================== the daily digest


def test_a_sent_reminder_blocks_its_event_unless_overdue_is_repeated_daily():
	yesterday, today = date(2026, 3, 9), TODAY
	for event in (CLOSING_SOON, STALE, OVERDUE):
		assert still_blocks(event, yesterday, today, repeat_overdue=False)
	assert still_blocks(CLOSING_SOON, yesterday, today, repeat_overdue=True)
	# repeated daily: back the next day, not twice the same day
	assert not still_blocks(OVERDUE, yesterday, today, repeat_overdue=True)
	assert still_blocks(OVERDUE, today, today, repeat_overdue=True)
	assert still_blocks(OVERDUE, None, today, repeat_overdue=True)  # never twice by doubt


def test_people_owner_or_creator_then_followers_with_their_role():
	assert people("ann@x", "admin@x", ["bob@x", "ann@x", "Guest"]) == [("ann@x", OWNER), ("bob@x", FOLLOWER)]
	assert people(None, "admin@x", ["bob@x"]) == [("admin@x", OWNER), ("bob@x", FOLLOWER)]
	assert people(None, None, []) == []


def test_preference_and_settings_decide_what_a_person_gets():
	settings = ReminderSettings(enabled=True, remind_followers=True, remind_stale=True)
	everything = Preference()
	assert all(wants(everything, settings, event, OWNER) for event in (OVERDUE, CLOSING_SOON, STALE))
	assert wants(everything, settings, OVERDUE, FOLLOWER)
	# the settings are the ceiling: no stale reminders, no followers
	assert not wants(everything, ReminderSettings(enabled=True, remind_stale=False), STALE, OWNER)
	assert not wants(everything, ReminderSettings(enabled=True), OVERDUE, FOLLOWER)
	# the person narrows it
	assert not wants(Preference(digest=False), settings, OVERDUE, OWNER)
	assert not wants(Preference(events=frozenset({OVERDUE})), settings, STALE, OWNER)
	assert not wants(Preference(as_follower=False), settings, OVERDUE, FOLLOWER)
	assert wants(Preference(as_follower=False), settings, OVERDUE, OWNER)
	# people who have not chosen: the default of the settings
	assert default_preference(ReminderSettings(digest_by_default=False)).digest is False
	assert default_preference(ReminderSettings()).digest is True


def item(name, event, days, amount=0.0, role=OWNER):
	return Item(Reminder(name, event, "k", days), role, amount)


def test_digest_groups_most_urgent_first_with_a_limit_and_the_rest_counted():
	items = [
		item("S1", STALE, 9),
		item("C1", CLOSING_SOON, 2, 100),
		item("C2", CLOSING_SOON, 0, 5),
		item("C3", CLOSING_SOON, 2, 900),
		*[item(f"O{i}", OVERDUE, i + 1) for i in range(5)],
	]
	groups = digest_groups(items, limit=3)
	assert [(g.event, g.total, g.more) for g in groups] == [
		(OVERDUE, 5, 2),
		(CLOSING_SOON, 3, 0),
		(STALE, 1, 0),
	]
	assert [i.reminder.opportunity for i in groups[0].items] == ["O0", "O1", "O2"]  # freshest miss first
	# nearest date first, then the largest amount
	assert [i.reminder.opportunity for i in groups[1].items] == ["C2", "C3", "C1"]
	assert digest_groups([]) == []
	assert DIGEST_LIMIT == 20


def test_digest_texts():
	assert digest_subject(1) == ("1 opportunity to follow up today", {})
	template, params = digest_subject(7)
	assert template.format(**params) == "7 opportunities to follow up today"
	phrases = [
		item_phrase(Reminder("A", CLOSING_SOON, "k", 0)),
		item_phrase(Reminder("A", CLOSING_SOON, "k", 1)),
		item_phrase(Reminder("A", CLOSING_SOON, "k", 3)),
		item_phrase(Reminder("A", OVERDUE, "k", 1)),
		item_phrase(Reminder("A", OVERDUE, "k", 4)),
		item_phrase(Reminder("A", STALE, "k", 12)),
	]
	assert [t.format(**p) for t, p in phrases] == [
		"closes today",
		"closes tomorrow",
		"closes in 3 days",
		"1 day overdue",
		"4 days overdue",
		"12 days in this stage",
	]


def test_group_links_open_the_same_opportunities_in_the_list_or_the_board():
	overdue = urlsplit(group_link(OVERDUE, "ann@x", TODAY, 3))
	assert overdue.path == "/app/opportunity"
	query = parse_qs(overdue.query)
	assert query["opportunity_owner"] == ["ann@x"]
	assert json.loads(query["expected_closing"][0]) == ["<", "2026-03-10"]
	assert json.loads(query["status"][0]) == ["not in", ["Closed", "Converted", "Lost"]]
	soon = parse_qs(urlsplit(group_link(CLOSING_SOON, "ann@x", TODAY, 3)).query)
	assert json.loads(soon["expected_closing"][0]) == ["Between", ["2026-03-10", "2026-03-13"]]
	assert group_link(STALE, "ann@x", TODAY, 3) == "/app/opportunity-board?owner=ann%40x"
