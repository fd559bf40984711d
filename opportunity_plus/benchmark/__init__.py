"""Benchmark of the board, stage moves and the analysis report beside ERPNext's native views."""
