"""Who has signed what: the signing-status queries shared by the dashboard and the reminders."""
