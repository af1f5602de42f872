"""The pages for people: server-rendered templates (Jinja2), HTMX for interaction, gettext for languages."""
