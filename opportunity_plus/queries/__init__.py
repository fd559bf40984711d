"""Permission-aware reads shared by the board, the report, the workspace and the endpoints.

Every aggregate query counts only the opportunities the user may read (``read_permission``); this
package's ``__init__`` imports nothing, so ``list_sql`` stays importable without frappe."""
