"""Calendar feeds: a person's deadlines, milestones and tasks as iCalendar."""
