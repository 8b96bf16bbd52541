#!/usr/bin/env bash
# The Debian packages the test suite needs beyond Python: one list for `make test` and CI.
# Installs what is missing when it can (root with apt-get); otherwise stops at once and names
# the command to run, so that the suite never fails halfway for want of a package.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)            # browser tests
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)               # compiled translations
command -v faketime >/dev/null 2>&1 || need+=(faketime)            # make test-dates
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0)   # WeasyPrint (PDF)
dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || need+=(libpangoft2-1.0-0)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)  # Cyrillic in PDFs

if [ "${#need[@]}" -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    exit 0
fi
echo "The tests need these system packages: ${need[*]}" >&2
echo "Install them, then run make test again:" >&2
echo "    sudo apt-get install --no-install-recommends ${need[*]}" >&2
exit 1
