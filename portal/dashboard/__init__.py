"""HR's dashboard: completion by department × regulation, drill-down, overdue, exports, reminders."""
