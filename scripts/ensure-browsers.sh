#!/usr/bin/env bash
# Makes sure the three browser engines the e2e suites drive are installed from Debian (Playwright's own
# Firefox and WebKit builds cannot be downloaded on machines without general network access):
# Chromium (Playwright), Firefox ESR (puppeteer-core over WebDriver BiDi), WebKitGTK's WebDriver and
# MiniBrowser (webdriverio), Xvfb for MiniBrowser, which has no headless mode, and libfaketime, which moves a
# browser's clock for the device-clock rows (e2e/engines/clock.engine.ts).
# Idempotent: checks the binaries first and only calls apt-get for what is missing.
set -euo pipefail
declare -A WANT=(
  [chromium]="${SEQUITUR_CHROMIUM:-/usr/bin/chromium}"
  [firefox-esr]="${SEQUITUR_FIREFOX:-/usr/bin/firefox-esr}"
  [webkit2gtk-driver]="${SEQUITUR_WEBKIT_DRIVER:-/usr/bin/WebKitWebDriver}"
  [libwebkit2gtk-4.1-0]="${SEQUITUR_WEBKIT_BROWSER:-/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser}"
  [xvfb]="/usr/bin/Xvfb"
  [libfaketime]="${SEQUITUR_FAKETIME:-/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1}"
)
# Binaries must be executable; the preload library need only be there.
present() { [ -x "$1" ] || { [[ "$1" == *.so* ]] && [ -f "$1" ]; }; }
missing=()
for package in "${!WANT[@]}"; do
  present "${WANT[$package]}" || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
echo "ensure-browsers: installing ${missing[*]} with apt-get" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for package in "${missing[@]}"; do
  present "${WANT[$package]}" || { echo "ensure-browsers: ${WANT[$package]} still missing after installing $package" >&2; exit 1; }
done
