"""Importing national records: files of other systems (`files`, `reading`), the resolution of each field
by the registry's rules (`intake`), and loading records, a closed business's books among them
(`records`). Import from the modules themselves: this package imports nothing, so the registry can use
`intake` without loading the rest."""
