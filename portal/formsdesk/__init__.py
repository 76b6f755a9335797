"""The forms desk: the handbook's standard forms filled in the portal.

Blueprint ``formsdesk`` (``views.bp``, registered by the factory): the forms list with the clause that requires each form,
blank and filled .docx downloads, a web form with client- and server-side
validation, drafts per user, submitted documents per department, and the
minutes workflow (recorder → chair signs or returns → distributed →
attendees confirm receipt).  The forms themselves (declarations,
validation, .docx rendering) live in the top-level ``forms`` package; the
views here stay thin over the services, one module per job: ``terms``,
``people``, ``drafts``, ``filing`` (submitted documents), ``minutes`` (the workflow), ``pages``.
"""
