#!/usr/bin/env python3
"""memsample.py PID OUT: samples a process (or, when PID is /usr/bin/time, its
child) every 5 ms until it exits and writes the highest Rss, Pss, Anonymous and
Private_Dirty seen in /proc/<pid>/smaps_rollup, in KiB, one "Name value" a line.
Rss counts the clean pages of shared libraries, which the kernel can drop and
other processes share; Anonymous is the memory that is the process's own."""
import sys
import time

parent, out = sys.argv[1], sys.argv[2]
keys = ("Rss", "Pss", "Anonymous", "Private_Dirty")
peak = dict.fromkeys(keys, 0)


def target():
    try:
        kids = open(f"/proc/{parent}/task/{parent}/children").read().split()
    except OSError:
        return None
    return kids[0] if kids else None


pid = None
while True:
    pid = pid or target()
    if pid is None:
        try:
            open(f"/proc/{parent}/stat").close()
        except OSError:
            break
        time.sleep(0.001)
        continue
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            p = line.split()
            if p and p[0][:-1] in peak:
                peak[p[0][:-1]] = max(peak[p[0][:-1]], int(p[1]))
    except OSError:
        break
    time.sleep(0.005)
with open(out, "w") as f:
    for k in keys:
        f.write(f"{k} {peak[k]}\n")
