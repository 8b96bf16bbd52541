#!/usr/bin/env bash
# The SQLite suite with the system clock moved to each date given (ISO dates), with Debian's
# faketime: no test may read the real date by accident. Every date gets a complete run of the
# whole suite; the dates that failed are named at the end.
#
# The clock is moved by an offset from the real one, not set to a start time, so every process
# of a run (the tests, the live server, Chromium) sees the same clock: noon UTC of the date
# when the run starts, then running on.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v faketime >/dev/null 2>&1; then
    echo "faketime is missing: sudo apt-get install --no-install-recommends faketime" >&2
    exit 1
fi
if [ "$#" -eq 0 ]; then
    echo "usage: $0 YYYY-MM-DD [YYYY-MM-DD ...]" >&2
    exit 2
fi
pytest="${PYTEST:-.venv/bin/pytest}"
failed=()
for day in "$@"; do
    target=$(date -u -d "$day 12:00:00" +%s) || { failed+=("$day"); continue; }
    offset=$(( target - $(date -u +%s) ))
    [ "$offset" -ge 0 ] && offset="+$offset"
    echo "== The suite with the clock at $day (faketime $offset s)"
    started=$(date +%s)
    # -m: the threaded build of libfaketime (the live server and Chromium run threads).
    if faketime -m -f "$offset" "$pytest" -q; then
        result="passed"
    else
        result="FAILED"
        failed+=("$day")
    fi
    echo "== $day: $result in $(( $(date +%s) - started )) s"
done
if [ "${#failed[@]}" -ne 0 ]; then
    echo "The suite failed with the clock at: ${failed[*]}" >&2
    exit 1
fi
