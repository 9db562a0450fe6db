#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Sample a gateway's output rate over DPDK telemetry.

usage: sample.py FILE_PREFIX PORT SECONDS KIND [PID]

Reads /ethdev/stats,PORT twice, SECONDS apart, and prints
"PACKETS SECONDS DROPS EARLY CPU": the output port's opackets delta, the time
between the two instants (midpoints of the requests), for KIND fastipsec the
/fastipsec/stats drop counters that rose meanwhile (name=delta,... or -) and
those already non-zero at the first instant (start-up and warm-up), and with
PID the seconds the gateway's busiest thread (its forwarding lcore, which
polls without sleeping) spent on a CPU meanwhile (or -).  PACKETS / CPU is the
rate the forwarding core would reach with the CPU to itself: on a shared
machine other processes take turns on that core, which the wall clock counts
against the gateway and the thread's own run time does not.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from telemetry import query  # noqa: E402


def snap(prefix, cmds):
    t0 = time.monotonic()
    r = query(prefix, cmds)
    t1 = time.monotonic()
    return (t0 + t1) / 2, r


def thread_times(pid):
    """{tid: seconds on a CPU} of every thread of process PID (schedstat, ns)."""
    out = {}
    base = '/proc/%s/task' % pid
    for tid in os.listdir(base):
        try:
            with open('%s/%s/schedstat' % (base, tid)) as f:
                out[tid] = int(f.read().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            pass
    return out


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    prefix, port, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
    fip = len(sys.argv) > 4 and sys.argv[4] == 'fastipsec'
    pid = sys.argv[5] if len(sys.argv) > 5 else None
    cmds = ['/ethdev/stats,%s' % port] + (['/fastipsec/stats'] if fip else [])
    ca = thread_times(pid) if pid else {}
    ta, a = snap(prefix, cmds)
    time.sleep(secs)
    tb, b = snap(prefix, cmds)
    cb = thread_times(pid) if pid else {}
    busy = max((cb[t] - ca[t] for t in cb if t in ca), default=0.0)
    pkts = b[0]['/ethdev/stats']['opackets'] - a[0]['/ethdev/stats']['opackets']
    drops = early = '-'
    if fip:
        da, db = a[1]['/fastipsec/stats']['drops'], b[1]['/fastipsec/stats']['drops']
        rose = ['%s=%d' % (k, db[k] - da.get(k, 0)) for k in sorted(db) if db[k] != da.get(k, 0)]
        drops = ','.join(rose) or '-'
        early = ','.join('%s=%d' % (k, da[k]) for k in sorted(da) if da[k]) or '-'
    cpu = '%.6f' % busy if busy > 0 else '-'
    print('%d %.6f %s %s %s' % (pkts, tb - ta, drops, early, cpu))
    return 0


if __name__ == '__main__':
    sys.exit(main())
