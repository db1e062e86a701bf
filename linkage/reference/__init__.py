"""Reference data files (CSV) shipped with the package; see SOURCES.md for provenance and licences."""
