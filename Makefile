# Buitenbinnen: `make run` starts the app with demo data, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PYTEST_ARGS ?= -m "not browser"
# Where the tests find PostgreSQL and Redis (unset: SQLite, and Redis on 127.0.0.1 when it runs).
export TEST_DATABASE_URL
export TEST_REDIS_URL
MO_FILES := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test test-browser lint format translations messages clean vendor

$(VENV)/.runtime: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

%.mo: %.po $(VENV)/.runtime
	$(BIN)/pybabel compile --statistics -i $< -o $@

translations: $(MO_FILES)

# axe-core for the accessibility walk in the browser tests: test-only, pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

## Start the app on http://127.0.0.1:$(PORT) (default 5000) with SQLite in instance/ and the demo data.
PORT ?= 5000
run: $(VENV)/.runtime translations
	APP_ENV=development $(FLASK) db upgrade
	APP_ENV=development $(FLASK) seed-demo
	APP_ENV=development $(FLASK) run --host 127.0.0.1 --port $(PORT)

## Run the tests (browser tests: make test-browser). TEST_DATABASE_URL=postgresql://... for PostgreSQL.
test: $(VENV)/.dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Lint and check the formatting (ruff, configured in pyproject.toml); `make format` rewrites.
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Copy the map library from its pinned npm package into static/ (served from there, no CDN).
vendor: node_modules/.installed
	mkdir -p static/vendor/leaflet/images
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE static/vendor/leaflet/
	cp node_modules/leaflet/dist/images/*.png static/vendor/leaflet/images/

test-browser: node_modules/.installed
	$(MAKE) test PYTEST_ARGS="-m browser"

## Extract messages and merge them into the catalogues (then translate the new Dutch entries).
messages: $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output --project Buitenbinnen -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --width 100

clean:
	rm -rf $(VENV) .pytest_cache node_modules
