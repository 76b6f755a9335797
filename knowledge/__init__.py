"""The handbook as knowledge: what its clauses say about each other (cross-references).

A stage beside the importers: pure functions over the domain model (``domain`` only), read by the
Markdown writer (links and 被引用 lists), the import report and the ``handbook xrefs`` command.
"""
