"""Reference data shipped in the package: countries, manufacturers, calibres.

Read-only lookups that services use to resolve what a person typed to one known thing,
and to suggest the closest known names when nothing matches.
"""
