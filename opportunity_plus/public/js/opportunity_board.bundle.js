// Bundle of the Opportunity Board page (loaded with frappe.require by the page).
import "./board/opportunity_board_card.html"; // frappe.templates.opportunity_board_card
import { OpportunityBoard } from "./board/board_view.js";

frappe.provide("opportunity_plus.board").OpportunityBoard = OpportunityBoard;
