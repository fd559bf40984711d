// Bundle of the Opportunity Board page (loaded with frappe.require by the page).
import { OpportunityBoard } from "./board/board_view.js";

frappe.provide("opportunity_plus.board").OpportunityBoard = OpportunityBoard;
