"""The ground floor every stage may import: where the project's files live."""
