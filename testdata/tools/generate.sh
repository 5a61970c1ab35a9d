#!/usr/bin/env bash
# Regenerates the project's own profiles and what is derived from them:
#   testdata/go/    Go runtime/pprof profiles (goprofiles/main.go; Go standard library only)
#   testdata/java/  a JDK Flight Recorder CPU profile as pprof (javaprofile/JavaCpuProfile.java)
#   common/src/test/resources/pprof-collapsed/*  the collapsed-stack references CollapsedTest
#                   compares with, printed by pprof_summary.py (not by Flarestack's code)
# Needs Go (Debian golang-go), a JDK 17+ and python3; nothing is downloaded. The tests compute
# their expectations from the files, so after a run they pass with the new samples; commit the
# results. Never run by the build or the tests.
set -euo pipefail
tools="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="$(dirname "$tools")"
root="$(dirname "$data")"

(cd "$tools/goprofiles" && go run main.go "$data/go")
(cd "$tools/javaprofile" && java JavaCpuProfile.java "$data/java")

ref="$root/common/src/test/resources/pprof-collapsed"
collapse() { # FILE (below testdata/) IDX
  python3 "$tools/pprof_summary.py" --collapsed "$2" "$data/$1" > "$ref/${1//\//__}.$2.txt"
}
collapse go/cpu-short.pb.gz 0
collapse go/cpu-short.pb.gz 1
collapse go/cpu.pb.gz 1
echo "generate.sh: wrote $data/go, $data/java and the collapsed references in $ref" >&2
