"""The Markdown writer: the domain model as MkDocs pages under ``handbook/``.

One module per job: :mod:`.escaping`, :mod:`.front_matter`, :mod:`.pages`
(regulations, jobs, the index), :mod:`.org_chart`, :mod:`.files` (the only
writer, called at the CLI edge), :mod:`.names` (shared file names and labels).

Pure functions turn a :class:`~domain.model.Document`, a
:class:`~domain.model.JobDescription` or a list of jobs into Markdown text;
:func:`publishing.markdown.files.write_handbook` is the one function that touches files.

Two promises matter to every other stage:

* **Stable anchors.**  Every numbered node gets its ``Section.anchor`` as its
  HTML id (``{#第二章}`` on headings, ``{: #第十条 .clause }`` on plain
  clauses, via the ``attr_list`` extension), so a permalink survives
  re-imports and releases.
* **Imported text is inert.**  Source text is escaped so that nothing in it
  is read as Markdown or HTML (``<script>``, ``*``, a ``#`` or ``1.`` at the
  start of a line, ``|`` in a table cell, ``{:`` …).  What HR typed is what
  the page shows.

Output is deterministic: the same model gives the same bytes, which is what
the importer's re-import test checks.
"""
