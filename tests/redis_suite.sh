#!/usr/bin/env bash
# Runs Redis 7.0.15's own test suite (its Tcl harness, from Debian's source
# package) against Redix: the harness starts "src/redis-server", which here
# runs main.ts. Not part of `deno task test` (it takes minutes per unit and
# needs apt, tclsh and redis-tools); a development aid that finds what the
# scripted comparisons miss.
#
#   bash tests/redis_suite.sh                      # the units listed below
#   bash tests/redis_suite.sh unit/type/zset ...   # chosen units
#
# Tests that need what Redix has not (replication, scripting, functions,
# streams, geo, HyperLogLog, DEBUG LOADAOF) are skipped by name; each unit's
# log is left in $REDIS_SUITE_DIR/logs.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${REDIS_SUITE_DIR:-/tmp/redis-suite}
SRC="$WORK/redis-7.0.15"

if [ ! -d "$SRC" ]; then
  mkdir -p "$WORK"
  if ! grep -rqs "deb-src" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > /etc/apt/sources.list.d/redix-src.sources
    apt-get update -qq
  fi
  (cd "$WORK" && apt-get source --download-only redis >/dev/null 2>&1 && tar xzf redis_7.0.15.orig.tar.gz)
fi

# The harness's binaries: Redix, and Debian's client tools.
printf '#!/bin/bash\nexec deno run -A %q/main.ts "$@"\n' "$ROOT" > "$SRC/src/redis-server"
for tool in redis-cli redis-benchmark; do printf '#!/bin/bash\nexec /usr/bin/%s "$@"\n' "$tool" > "$SRC/src/$tool"; done
chmod +x "$SRC/src/redis-server" "$SRC/src/redis-cli" "$SRC/src/redis-benchmark"

# The names of the tests whose bodies use a missing feature.
python3 - "$SRC/tests" > "$WORK/skipped.txt" <<'PYTHON'
import glob, re, sys
missing = re.compile(
    r'attach_to_replication_stream|get_child_pid|debug loadaof|wait_for_ofs_sync|redis\.call'
    r'|\br(?:\s+-?\d+)? (?:eval|evalsha|evalsha_ro|eval_ro|fcall|fcall_ro|function|script|geoadd|geosearch'
    r'|geopos|georadius|geodist|geohash|pfadd|pfcount|pfmerge|pfdebug|xadd|xgroup|xread|xreadgroup|xrange'
    r'|xlen|replicaof|slaveof|sync|psync)\b|\$rd (?:eval|fcall|xread)|\$\w+ (?:replicaof|slaveof)\b', re.I)
for path in glob.glob(sys.argv[1] + "/unit/**/*.tcl", recursive=True) + glob.glob(sys.argv[1] + "/integration/*.tcl"):
    source = open(path).read()
    tests = list(re.finditer(r'\n\s*test \{([^}]*)\}|\n\s*test "([^"]*)"', source))
    for i, test in enumerate(tests):
        end = tests[i + 1].start() if i + 1 < len(tests) else len(source)
        if missing.search(source[test.end():end]):
            print(test.group(1) or test.group(2))
PYTHON

skips=(--skiptest "/propagate" --skiptest "/replication" --skiptest "/[Ss]tream")
while IFS= read -r name; do skips+=(--skiptest "$name"); done < "$WORK/skipped.txt"

units=("$@")
if [ ${#units[@]} -eq 0 ]; then
  units=(unit/type/list unit/type/hash unit/type/set unit/type/zset unit/type/incr unit/type/string unit/sort
    unit/keyspace unit/scan unit/expire unit/info unit/multi unit/pubsub unit/tracking unit/slowlog
    unit/latency-monitor unit/introspection unit/acl unit/auth unit/dump unit/bitops unit/protocol)
fi
mkdir -p "$WORK/logs"
cd "$SRC"
for unit in "${units[@]}"; do
  log="$WORK/logs/$(echo "$unit" | tr / _).log"
  tclsh tests/test_helper.tcl --single "$unit" --clients 1 --timeout 120 "${skips[@]}" > "$log" 2>&1 || true
  # Counted where each result is first printed (the summary at the end repeats the failures).
  printf '%-28s ok %4d  failed %3d  exceptions %d\n' "$unit" "$(grep -ac '^\[.*ok.*\]:' "$log")" \
    "$(grep -ac '^\[.*err.*\]:' "$log")" "$(grep -ac '^\[.*exception.*\]:' "$log")"
done
