"""Survivors of bench/mutation.py judged equivalent: no test can tell them from the original.

One entry per judgement: (module, operator, the original line stripped, reason). Matched by the
line's text, not its number, so an entry survives edits elsewhere in the module; when the line
itself changes, the mutant is judged afresh.
"""

EQUIVALENT: list[tuple[str, str, str, str]] = []
