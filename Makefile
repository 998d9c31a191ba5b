# The two commands: `make dev` runs the app with demo data; `make test` runs every test.
.PHONY: dev test fmt bootstrap services-up services-down services-status wasm-size clean-data

dev:
	@scripts/dev.sh

test:
	@scripts/test.sh

# Formats the Rust code and the view! macros inside it, as CI checks them.
fmt:
	leptosfmt -q app/src frontend/src
	cargo fmt --all

bootstrap:
	@scripts/bootstrap.sh

services-up:
	@scripts/services.sh up

services-down:
	@scripts/services.sh down

services-status:
	@scripts/services.sh status

# Release WASM bundle size (raw and gzip), for the performance notes.
wasm-size:
	@scripts/wasm-size.sh

clean-data:
	@scripts/services.sh down
	rm -rf .data .env
