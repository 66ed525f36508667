"""Reminders: each person's upcoming deadlines, milestones and tasks by mail, once each."""
