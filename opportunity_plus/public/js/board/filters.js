// Board filters <-> URL query string, and the pipeline a user last looked at. No DOM here.

// Same names and order as opportunity_plus.rules.board.FILTERS.
export const FILTER_KEYS = [
	"owner",
	"label",
	"company",
	"opportunity_type",
	"closing_from",
	"closing_to",
	"search",
];
export const LIST_KEYS = ["label"];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function as_list(value) {
	if (value == null) return [];
	const parts = Array.isArray(value) ? value : String(value).split(",");
	const out = [];
	for (const part of parts) {
		const item = String(part ?? "").trim();
		if (item && !out.includes(item)) out.push(item);
	}
	return out;
}

// Keep only known filters with a value; lists as arrays, everything else as trimmed text.
export function clean_filters(filters) {
	const out = {};
	for (const key of FILTER_KEYS) {
		const value = filters?.[key];
		if (LIST_KEYS.includes(key)) {
			const list = as_list(value);
			if (list.length) out[key] = list;
			continue;
		}
		if (value == null) continue;
		const text = String(value).trim();
		if (!text) continue;
		if ((key === "closing_from" || key === "closing_to") && !DATE.test(text)) continue;
		out[key] = text;
	}
	return out;
}

// {pipeline, filters} from URLSearchParams, a query string or frappe.route_options.
export function state_from_params(params) {
	let source = params || {};
	if (typeof source === "string") source = new URLSearchParams(source);
	const get = typeof source.get === "function" ? (key) => source.get(key) : (key) => source[key];
	const pipeline = get("pipeline");
	const raw = {};
	for (const key of FILTER_KEYS) raw[key] = get(key);
	return { pipeline: pipeline ? String(pipeline) : null, filters: clean_filters(raw) };
}

// The query string that reopens the same view: pipeline first, then filters in a fixed order.
export function state_to_query(pipeline, filters) {
	const params = new URLSearchParams();
	if (pipeline) params.set("pipeline", pipeline);
	const clean = clean_filters(filters);
	for (const key of FILTER_KEYS) {
		if (clean[key] === undefined) continue;
		params.set(key, LIST_KEYS.includes(key) ? clean[key].join(",") : clean[key]);
	}
	return params.toString();
}

export function active_filter_count(filters) {
	return Object.keys(clean_filters(filters)).length;
}

export function same_filters(a, b) {
	return state_to_query(null, a) === state_to_query(null, b);
}

// ---------------------------------------------------------------- remembered pipeline per user

export function pipeline_storage_key(user) {
	return `opportunity_plus:board:pipeline:${user || "Guest"}`;
}

export function remember_pipeline(storage, user, pipeline) {
	try {
		if (pipeline) storage?.setItem(pipeline_storage_key(user), pipeline);
	} catch (e) {
		// storage full or disabled: the board still works, it just forgets
	}
}

export function remembered_pipeline(storage, user) {
	try {
		return storage?.getItem(pipeline_storage_key(user)) || null;
	} catch (e) {
		return null;
	}
}

// The pipeline to open: the URL's, else the one remembered, else the default (first listed).
export function choose_pipeline({ from_url, remembered, pipelines }) {
	const names = (pipelines || []).map((p) => p.name);
	if (from_url && (!names.length || names.includes(from_url))) return from_url;
	if (remembered && names.includes(remembered)) return remembered;
	const fallback = (pipelines || []).find((p) => p.is_default) || (pipelines || [])[0];
	return fallback ? fallback.name : null;
}

// Collapsed Won/Lost columns, remembered per user and pipeline.
export function collapsed_storage_key(user, pipeline) {
	return `opportunity_plus:board:collapsed:${user || "Guest"}:${pipeline || ""}`;
}

export function load_collapsed(storage, user, pipeline) {
	try {
		const value = JSON.parse(storage?.getItem(collapsed_storage_key(user, pipeline)) || "[]");
		return Array.isArray(value) ? value : [];
	} catch (e) {
		return [];
	}
}

export function save_collapsed(storage, user, pipeline, stages) {
	try {
		storage?.setItem(collapsed_storage_key(user, pipeline), JSON.stringify(stages));
	} catch (e) {
		// ignore
	}
}
