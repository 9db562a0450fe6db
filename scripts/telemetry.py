#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Query a DPDK telemetry socket (the protocol dpdk-telemetry.py speaks).

usage: telemetry.py FILE_PREFIX COMMAND [COMMAND...]
Prints one JSON reply per line.  Exit 1 when the socket is missing.
"""
import json
import socket
import sys


def query(prefix, cmds):
    path = '/var/run/dpdk/%s/dpdk_telemetry.v2' % prefix
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(5)
    s.connect(path)
    hello = json.loads(s.recv(16384).decode())
    out = []
    for c in cmds:
        s.send(c.encode())
        out.append(json.loads(s.recv(hello.get('max_output_len', 16384)).decode()))
    s.close()
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        replies = query(sys.argv[1], sys.argv[2:])
    except OSError as e:
        print('telemetry.py: %s: %s' % (sys.argv[1], e), file=sys.stderr)
        return 1
    for r in replies:
        print(json.dumps(r, sort_keys=True))
    return 0


if __name__ == '__main__':
    sys.exit(main())
