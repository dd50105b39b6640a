#!/usr/bin/env bash
# End-to-end test of `tealeaf serve` in a real browser (headless Chromium).
#
#   scripts/browser_test.sh
#
# Installs Debian's chromium when missing (apt-get, as root), builds the
# release binary (or uses $TEALEAF_BIN when set, as the Rust test
# crates/tealeaf/tests/browser.rs does), starts `tealeaf serve --demo` on a
# free loopback port, loads the dashboard, a search and an actor page,
# checks what the pages show (a quote, an actor name, the SVG charts, the
# script ran under the Content-Security-Policy), saves screenshots at
# 1280x800 and 375x800 under target/screenshots/ (or $SCREENSHOT_DIR), and
# stops the server. Exits 0 when every check passes; skips (exit 0) only
# when chromium is missing and apt is unavailable.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHOTS="${SCREENSHOT_DIR:-$ROOT/target/screenshots}"
WORK="$(mktemp -d)"
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { echo "browser_test: $*"; }
fail() { echo "browser_test: FAIL: $*" >&2; exit 1; }

# 1. Chromium.
find_chromium() {
  for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return 0; fi
  done
  return 1
}
CHROMIUM="$(find_chromium || true)"
if [ -z "$CHROMIUM" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    say "SKIP: chromium is not installed and apt-get is unavailable"
    exit 0
  fi
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      SUDO="sudo -n"
    else
      fail "chromium is missing; install it as root: apt-get update && apt-get install -y chromium"
    fi
  fi
  say "installing chromium (apt-get)…"
  started=$(date +%s)
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$WORK/apt.log" 2>&1 \
    || { cat "$WORK/apt.log" >&2; fail "apt-get update failed"; }
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium fonts-dejavu-core >>"$WORK/apt.log" 2>&1 \
    || { tail -n 30 "$WORK/apt.log" >&2; fail "apt-get install chromium failed"; }
  say "chromium installed in $(( $(date +%s) - started )) s"
  CHROMIUM="$(find_chromium)" || fail "chromium still not found after installing it"
fi
say "using $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"

# 2. The binary.
if [ -n "${TEALEAF_BIN:-}" ]; then
  BIN="$TEALEAF_BIN"
else
  say "building the release binary…"
  (cd "$ROOT" && cargo build --release -q -p tealeaf)
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/tealeaf"
fi
[ -x "$BIN" ] || fail "no binary at $BIN"

# 3. The server, on a free loopback port (port 0: the kernel picks; the
#    server prints the address it bound).
"$BIN" serve --demo --addr 127.0.0.1:0 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
URL=""
for _ in $(seq 1 300); do
  URL="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/server.log" | head -n 1 || true)"
  [ -n "$URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; fail "the server exited"; }
  sleep 0.2
done
[ -n "$URL" ] || { cat "$WORK/server.log" >&2; fail "the server did not start in 60 s"; }
say "server at $URL"

# 4. Chromium, headless.
chrome() {
  local profile
  profile="$(mktemp -d -p "$WORK")"
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$profile" "$@" 2>>"$WORK/chromium.log"
}

dump() { # dump URL OUT
  chrome --dump-dom "$1" >"$2" || { tail -n 20 "$WORK/chromium.log" >&2; fail "chromium could not load $1"; }
  [ -s "$2" ] || fail "empty DOM for $1"
}

shoot() { # shoot URL NAME
  mkdir -p "$SHOTS"
  for size in 1280,800 375,800; do
    local file="$SHOTS/$2-${size%,*}.png"
    rm -f "$file"
    chrome --screenshot="$file" --window-size="$size" "$1" >/dev/null \
      || { tail -n 20 "$WORK/chromium.log" >&2; fail "chromium could not screenshot $1"; }
    [ -s "$file" ] || fail "no screenshot $file"
  done
}

expect() { # expect FILE WHAT STRING
  grep -qF -- "$3" "$1" || { echo "---- $1" >&2; head -c 4000 "$1" >&2; fail "$2: expected to find: $3"; }
}

CHECKS=0
check() { expect "$@"; CHECKS=$((CHECKS + 1)); }

# The dashboard.
dump "$URL/" "$WORK/dashboard.html"
check "$WORK/dashboard.html" "dashboard" "<h1>Dashboard</h1>"
check "$WORK/dashboard.html" "dashboard" "Latest reversals"
check "$WORK/dashboard.html" "dashboard chart" '<svg class="chart"'
check "$WORK/dashboard.html" "dashboard chart" "Mixed-signals index over time"
check "$WORK/dashboard.html" "conditions ledger" "Conditions ledger"
check "$WORK/dashboard.html" "a reversal" "Ali Khamenei"
# app.js ran (so the Content-Security-Policy let it load).
check "$WORK/dashboard.html" "app.js under the CSP" '<html lang="en" class="js">'
shoot "$URL/" dashboard

# A search for a quote.
SEARCH="$URL/search?q=talks+america+problems"
dump "$SEARCH" "$WORK/search.html"
check "$WORK/search.html" "search" "<h1>Statements</h1>"
check "$WORK/search.html" "search result" "<mark>Talks with America do not solve any of the country's problems"
check "$WORK/search.html" "search byline" "Ali Khamenei"
check "$WORK/search.html" "search form keeps the words" 'value="talks america problems"'
shoot "$SEARCH" search

# Filters.
FILTERED="$URL/search?issue=us-talks&stance=oppose&actor=ali-khamenei"
dump "$FILTERED" "$WORK/filtered.html"
check "$WORK/filtered.html" "filtered search" 'value="oppose" selected'
check "$WORK/filtered.html" "filtered search" "<mark>"

# An actor page.
ACTOR="$URL/actors/ali-khamenei"
dump "$ACTOR" "$WORK/actor.html"
check "$WORK/actor.html" "actor page" "<h1>Ali Khamenei</h1>"
check "$WORK/actor.html" "roles chart" "Roles over time"
check "$WORK/actor.html" "stance chart" 'aria-label="Stance timeline"'
check "$WORK/actor.html" "stance chart dots" 'class="dot '
check "$WORK/actor.html" "actor statements" "<mark>"
shoot "$ACTOR" actor

# The brief, the network, a statement in its article.
dump "$URL/brief" "$WORK/brief.html"
check "$WORK/brief.html" "brief" "Entries"
shoot "$URL/brief" brief
dump "$URL/network" "$WORK/network.html"
check "$WORK/network.html" "network" "Congruence and conflict network"
shoot "$URL/network" network
STATEMENT_ID="$(grep -o 'href="/statements/[0-9]*#quote"' "$WORK/search.html" | head -n 1 | grep -o '[0-9][0-9]*')"
[ -n "$STATEMENT_ID" ] || fail "no statement link on the search page"
dump "$URL/statements/$STATEMENT_ID" "$WORK/statement.html"
check "$WORK/statement.html" "statement page" '<mark id="quote">'
shoot "$URL/statements/$STATEMENT_ID" statement

# 5. Stop the server.
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
say "ok: $CHECKS checks passed; screenshots in $SHOTS"
ls -1 "$SHOTS"
