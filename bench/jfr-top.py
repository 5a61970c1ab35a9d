#!/usr/bin/env python3
import collections, json, os, subprocess, sys
# usage: bench/jfr-top.py FILE.jfr [N]  (JFR=path/to/jfr to pick the tool; default: jfr on PATH)
# Attributes each jdk.ExecutionSample to the innermost io.flarestack frame outside generated protos,
# and, separately, each sample's leaf frame to its package (protobuf runtime, generated protos, JDK, ...).
jfr = os.environ.get("JFR", "jfr")
out = subprocess.run([jfr, "print", "--json", "--stack-depth", "96", "--events", "jdk.ExecutionSample", sys.argv[1]],
                     capture_output=True, text=True).stdout
events = json.loads(out)["recording"]["events"]
inner = collections.Counter(); leafpkg = collections.Counter()
for e in events:
    frames = e["values"]["stackTrace"]["frames"] if e["values"]["stackTrace"] else []
    names = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in frames]
    if not names: continue
    leaf = names[0]
    lp = leaf.rsplit(".", 2)[0]
    leafpkg["protobuf runtime" if lp.startswith("com.google.protobuf") else ("generated protos" if lp.startswith("io.flarestack.api") else ("JDK" if lp.startswith(("java.", "jdk.", "sun.")) else ("netty" if "netty" in lp else lp)))] += 1
    ours = [n for n in names if n.startswith("io.flarestack.") and not n.startswith("io.flarestack.api")]
    inner[ours[0] if ours else "(no flarestack frame: " + leaf + ")"] += 1
n = len(events)
print("samples", n)
print("-- by leaf frame's code --")
for k, v in leafpkg.most_common(10): print(f"{100*v/n:5.1f}% {k}")
print("-- by innermost flarestack method --")
for k, v in inner.most_common(int(sys.argv[2]) if len(sys.argv) > 2 else 20): print(f"{100*v/n:5.1f}% {k}")
