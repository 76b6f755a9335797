"""职责日历: the dated duties of the regulations in force, per department and position, as a calendar page,
on each regulation's reading page, as a tokened iCalendar feed per person, and as reminders (docs/knowledge.md)."""
