// Opportunity Board (/app/opportunity-board): a kanban of opportunities by sales stage.
// The page logic lives in public/js/board/ (plain modules tested with node) and is loaded as
// the opportunity_board bundle.

frappe.pages["opportunity-board"].on_page_load = function (wrapper) {
	frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Opportunity Board"),
		single_column: true,
	});
	$(wrapper).addClass("opportunity-board-page");
	frappe.require("opportunity_board.bundle.js", () => {
		const { OpportunityBoard } = frappe.provide("opportunity_plus.board");
		wrapper.board = new OpportunityBoard(wrapper);
	});
	$(wrapper).on("hide", () => wrapper.board && wrapper.board.hide());
};

frappe.pages["opportunity-board"].on_page_show = function (wrapper) {
	// the first show happens while the bundle loads; the board reads the URL when it starts
	if (wrapper.board) wrapper.board.show();
};
