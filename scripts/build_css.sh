#!/usr/bin/env bash
# Rebuild static/vendor/bootstrap/bootstrap.purged.min.css: Bootstrap without the rules no
# page uses (PurgeCSS, configured in scripts/purgecss.config.cjs). Run it after adding a
# Bootstrap class the purged file lacks (pkh/tests/test_purged_css.py says which) or after
# changing the Bootstrap file, the config or this script; commit the result. Needs node and
# npm; PurgeCSS is installed into a cache folder outside the checkout (PURGECSS_HOME), and
# nothing else (tests, `make serve`, a deployment) needs npm.
#
# The header of the output records a SHA-256 of the inputs that decide its content besides
# the templates (the full Bootstrap file, the config, this script); the test compares it.
set -euo pipefail
cd "$(dirname "$0")/.."

PURGECSS_VERSION=8.0.0
PURGECSS_HOME="${PURGECSS_HOME:-$HOME/.cache/pendamping/purgecss-$PURGECSS_VERSION}"
FULL=static/vendor/bootstrap/bootstrap.min.css
OUT=static/vendor/bootstrap/bootstrap.purged.min.css
CONFIG=scripts/purgecss.config.cjs

if [ ! -x "$PURGECSS_HOME/node_modules/.bin/purgecss" ]; then
  mkdir -p "$PURGECSS_HOME"
  npm install --prefix "$PURGECSS_HOME" --no-audit --no-fund --silent "purgecss@$PURGECSS_VERSION"
fi

SITE_PACKAGES="$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
export SITE_PACKAGES
inputs_hash="$(cat "$FULL" "$CONFIG" scripts/build_css.sh | sha256sum | cut -d' ' -f1)"
bootstrap_version="$(awk '/^bootstrap /{print $2}' static/vendor/VERSIONS)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$PURGECSS_HOME/node_modules/.bin/purgecss" --config "$CONFIG" --output "$work"
body="$work/bootstrap.min.css"
{
  # @charset must stay the first thing in the file; the header comment follows it.
  if head -c 17 "$body" | grep -q '^@charset "UTF-8";'; then
    printf '@charset "UTF-8";'
    tail -c +18 "$body" > "$work/body.css" && body="$work/body.css"
  fi
  printf '/*! Bootstrap %s purged by scripts/build_css.sh (PurgeCSS %s): do not edit.\n' \
    "$bootstrap_version" "$PURGECSS_VERSION"
  printf ' * inputs-sha256: %s */\n' "$inputs_hash"
  # Bootstrap's own licence comment stays in the body.
  cat "$body"
} > "$OUT"
echo "$OUT: $(wc -c < "$FULL") -> $(wc -c < "$OUT") bytes"
