"""The demo world: synthetic but realistic data that shows every capability working."""
