"""The work list *Mine saker*: search, filters, sorting and paging in SQL, the upcoming contacts, the week
view and the calendar feed of one's own contacts."""
