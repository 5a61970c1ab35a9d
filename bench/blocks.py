#!/usr/bin/env python3
"""Bytes per sample STORED: every complete block (a meta.json) under a bucket directory.

usage: bench/blocks.py BUCKET_DIR [--min-profiles N]

BUCKET_DIR is the filesystem bucket (-storage.filesystem.dir, default ./data/shared): its
<tenant>/<ULID>/ directories. Per block: time range (UTC), series, profiles, samples, the size of
each file on disk (summed: data files + meta.json), bytes per sample = size / meta.json
stats.numSamples. Then the totals, and the totals of blocks with at least N profiles (a window
that only caught a few late profiles is dominated by its symbols).
"""
import datetime
import json
import os
import sys


def utc(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%m-%d %H:%M:%S")


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root = argv[1]
    min_profiles = int(argv[argv.index("--min-profiles") + 1]) if "--min-profiles" in argv else 0
    rows = []
    for tenant in sorted(os.listdir(root)):
        tdir = os.path.join(root, tenant)
        if not os.path.isdir(tdir):
            continue
        for ulid in sorted(os.listdir(tdir)):
            bdir = os.path.join(tdir, ulid)
            meta_path = os.path.join(bdir, "meta.json")
            if not os.path.isfile(meta_path):
                continue
            with open(meta_path) as f:
                meta = json.load(f)
            files = {name: os.path.getsize(os.path.join(bdir, name)) for name in os.listdir(bdir)}
            rows.append((tenant, ulid, meta, files))
    print("%-10s %-26s %-14s %-14s %7s %9s %11s %12s %10s %10s %9s %8s" % (
        "tenant", "block", "min (UTC)", "max (UTC)", "series", "profiles", "samples", "bytes", "parquet",
        "symbols", "index", "B/sample"))
    total = [0, 0, 0, 0]
    big = [0, 0, 0, 0]
    for tenant, ulid, meta, files in rows:
        st = meta["stats"]
        size = sum(files.values())
        samples = st.get("numSamples", 0)
        print("%-10s %-26s %-14s %-14s %7d %9d %11d %12d %10d %10d %9d %8.2f" % (
            tenant, ulid, utc(meta["minTime"]), utc(meta["maxTime"]), st.get("numSeries", 0),
            st.get("numProfiles", 0), samples, size, files.get("profiles.parquet", 0),
            files.get("symbols.sym", 0), files.get("series.idx", 0), size / samples if samples else float("nan")))
        for acc, keep in ((total, True), (big, st.get("numProfiles", 0) >= min_profiles)):
            if keep:
                acc[0] += 1
                acc[1] += st.get("numProfiles", 0)
                acc[2] += samples
                acc[3] += size
    for name, acc in (("all blocks", total), ("blocks with >= %d profiles" % min_profiles, big)):
        if acc[2]:
            print("%s: %d blocks, %d profiles, %d samples, %d bytes: %.2f B/sample" % (
                name, acc[0], acc[1], acc[2], acc[3], acc[3] / acc[2]))
        if min_profiles == 0:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
