# Thin entry points; each target calls a script or an npm script that does the work.
.PHONY: test bench build lint

## test: install Node 24, dependencies and engines if missing, then build, lint and run every test
test:
	bash scripts/test.sh

## bench: the telemetry overhead benchmark (prints the table the README quotes)
bench:
	scripts/use-node.sh npm run bench

build:
	scripts/use-node.sh npm run build

lint:
	scripts/use-node.sh npm run lint
