#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Multicast and broadcast helpers for the fan-out tests.
#
#   mcast.py send DEV DST PORT COUNT [--interval S] [--size B] [--gso]
#                [--until-gone] [--priority P] [--mark M]
#       sends COUNT numbered datagrams of B bytes to DST out of DEV (one
#       UDP GSO send of all of them with --gso; SO_PRIORITY P and SO_MARK M
#       on the socket if given); with --until-gone, until
#       DEV goes away instead, which must happen before COUNT: exits 0 then
#       (saying at which datagram), 2 if all COUNT were sent
#   mcast.py expect COUNT [--size B]
#       prints what a receiver of all COUNT datagrams has, in order
#   mcast.py rx NETNS... [--dev-prefix P]
#       prints "NETNS DEV RX_PACKETS DROPS" for every shoal device in the
#       namespaces (DROPS: the device's rx_dropped and tx_dropped, which
#       hold every drop shoal counts under a reason and those it does not:
#       a full receive queue, no memory)

import argparse
import errno
import json
import socket
import struct
import subprocess
import sys
import time

UDP_SEGMENT = 103


def payload(i, size):
    head = b"shoal %08d " % i
    return head + b"x" * (size - len(head) - 1) + b"\n"


def send(a):
    fam = socket.AF_INET6 if ":" in a.dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.dev.encode())
    ifindex = socket.if_nametoindex(a.dev)
    if fam == socket.AF_INET:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                     struct.pack("4s4si", b"\0" * 4, b"\0" * 4, ifindex))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
    if a.priority is not None:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_PRIORITY, a.priority)
    if a.mark is not None:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, a.mark)
    if a.gso:
        s.setsockopt(socket.SOL_UDP, UDP_SEGMENT, a.size)
        s.sendto(b"".join(payload(i, a.size) for i in range(a.count)),
                 (a.dst, a.port))
        return 0
    for i in range(a.count):
        try:
            s.sendto(payload(i, a.size), (a.dst, a.port))
        except OSError as e:
            if not a.until_gone or i == 0 or \
               e.errno not in (errno.ENETUNREACH, errno.ENODEV, errno.ENXIO):
                raise
            print("send: %s gone at datagram %d: %s" % (a.dev, i, e.strerror))
            return 0
        if a.interval:
            time.sleep(a.interval)
    if a.until_gone:
        print("send: %s still there after %d datagrams" % (a.dev, a.count))
        return 2
    return 0


def expect(a):
    sys.stdout.buffer.write(b"".join(payload(i, a.size)
                                     for i in range(a.count)))


def rx(a):
    for ns in a.netns:
        out = subprocess.run(["ip", "netns", "exec", ns, "shoal", "-j",
                              "show"], check=True, capture_output=True,
                             text=True).stdout
        links = subprocess.run(["ip", "-n", ns, "-s", "-j", "link", "show"],
                               check=True, capture_output=True,
                               text=True).stdout
        dropped = {ln["ifname"]: ln["stats64"]["rx"]["dropped"] +
                   ln["stats64"]["tx"]["dropped"]
                   for ln in json.loads(links)}
        for dev in json.loads(out):
            print(ns, dev["ifname"], dev["stats"].get("rx_packets", 0),
                  dropped[dev["ifname"]])


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("send")
    q.add_argument("dev")
    q.add_argument("dst")
    q.add_argument("port", type=int)
    q.add_argument("count", type=int)
    q.add_argument("--interval", type=float, default=0)
    q.add_argument("--size", type=int, default=100)
    q.add_argument("--gso", action="store_true")
    q.add_argument("--until-gone", action="store_true")
    q.add_argument("--priority", type=int)
    q.add_argument("--mark", type=int)
    q = sub.add_parser("expect")
    q.add_argument("count", type=int)
    q.add_argument("--size", type=int, default=100)
    q = sub.add_parser("rx")
    q.add_argument("netns", nargs="+")
    a = p.parse_args()
    sys.exit({"send": send, "expect": expect, "rx": rx}[a.cmd](a))


if __name__ == "__main__":
    main()
