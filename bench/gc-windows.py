#!/usr/bin/env python3
"""Heap after GC per time window, from a unified GC log.

usage: bench/gc-windows.py GC_LOG [WINDOW_MINUTES]

GC_LOG is written with -Xlog:gc:file=gc.log:time,uptime (wall-clock time decoration needed).
Per window of WINDOW_MINUTES (default 10) of wall-clock time, aligned to the Unix epoch as the
ingester's head windows (-pyroscopedb.max-block-duration) are: the number of collections, the
maximum and the last heap size after a collection, the pause time; then the maximum over the
whole log. A heap that holds steady window over window shows a flat maximum.
"""
import datetime
import re
import sys

LINE = re.compile(r"^\[(\d{4}-\d\d-\d\dT[\d:.]+[+-]\d{4})\].*GC\(\d+\) (.*?) (\d+)M->(\d+)M\((\d+)M\) "
                  r"(\d+(?:\.\d+)?)ms")


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    window = float(argv[2]) if len(argv) > 2 else 10.0
    windows = {}
    overall = 0
    for line in open(argv[1]):
        m = LINE.search(line)
        if not m:
            continue
        at = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
        kind, after, pause = m.group(2), int(m.group(4)), float(m.group(6))
        w = int(at // (window * 60))
        s = windows.setdefault(w, {"n": 0, "max": 0, "last": 0, "pause": 0.0, "full": 0})
        s["n"] += 1
        s["max"] = max(s["max"], after)
        s["last"] = after
        s["pause"] += pause
        if "Full" in kind:
            s["full"] += 1
        overall = max(overall, after)
    print("%-13s %6s %6s %16s %17s %9s" % ("window (UTC)", "GCs", "full", "max after GC MiB", "last after GC MiB",
                                           "pause ms"))
    for w in sorted(windows):
        s = windows[w]
        start = datetime.datetime.fromtimestamp(w * window * 60, datetime.timezone.utc)
        end = datetime.datetime.fromtimestamp((w + 1) * window * 60, datetime.timezone.utc)
        print("%s-%s   %6d %6d %16d %17d %9.0f" % (start.strftime("%H:%M"), end.strftime("%H:%M"), s["n"], s["full"],
                                                  s["max"], s["last"], s["pause"]))
    print("max heap after GC over the log: %d MiB" % overall)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
