"""Models of the individual plan, measures, mentors, restorative processes and team meetings."""
