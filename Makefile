# The README's two commands are the way in; these are for working on armtrace.
.PHONY: check test lint demo
test:            ## the whole suite (SQLite, and PostgreSQL on 127.0.0.1:5432 when it answers)
	pytest
lint:            ## style, types and layer rules
	ruff check . && ruff format --check src tests bench && mypy && lint-imports
check: lint test ## what CI runs, apart from the schema checks (see .ci/run)
demo:            ## a fresh demo registry in ./armtrace-demo.db
	armtrace demo --force
