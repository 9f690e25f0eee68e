#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# A generic netlink fuzzer for the shoal family, and a model checker.
#
#   nlfuzz.py storm COUNT SEED IFNAME...
#       COUNT messages to every command of the family, built from valid
#       requests on the devices IFNAME... (and on devices that do not exist
#       or are not shoal devices) and then, most of them, mutated: attribute
#       types, lengths and payloads, nests, flags, commands, header fields,
#       huge attribute arrays. Every request asks for an ack. A request
#       that fails must be answered with an errno and an extended ack
#       message, except the few the generic netlink core refuses before the
#       family sees them (an unknown command, an operation the command does
#       not have, a header cut short), which it answers without one.
#       Prints "messages N", "ok N", "ERRNO N" per errno, and "missing N"
#       (failures without a message, each also described on stderr);
#       exits 1 if any reply was missing, malformed or without a message.
#
#   nlfuzz.py model COUNT SEED IFNAME PEERS
#       Deletes every peer and group a dump of IFNAME shows, then makes
#       COUNT random valid operations (peers and groups created, deleted,
#       members added and removed) on it, predicting each answer from a
#       model of the device. Then
#       PEERS more peers, and a dump of peers and of groups must match the
#       model exactly. Exits 1 on the first difference.

import errno
import os
import random
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nl import (NETLINK_GENERIC, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST,  # noqa: E402
                NLMSG_DONE, NLMSG_ERROR, NLA_F_NESTED, Netlink, extack_msg,
                genl_family_id, nla, parse_attrs)

# The family's commands (uapi/linux/shoal.h) and which operations each has.
DEV_GET, DEV_SET, PEER_NEW, PEER_SET, PEER_DEL, PEER_GET = 1, 2, 3, 4, 5, 6
KEY_SET, KEY_ACTIVATE, KEY_DEL, KEY_EXHAUSTED = 7, 8, 9, 10
GROUP_NEW, GROUP_DEL, GROUP_GET, MEMBER_ADD, MEMBER_DEL = 11, 12, 13, 14, 15
DOIT = {DEV_GET, DEV_SET, PEER_NEW, PEER_SET, PEER_DEL, PEER_GET, KEY_SET,
        KEY_ACTIVATE, KEY_DEL, GROUP_NEW, GROUP_DEL, GROUP_GET, MEMBER_ADD,
        MEMBER_DEL}
DUMPIT = {DEV_GET, PEER_GET, GROUP_GET}

A_IFINDEX, A_IFNAME = 1, 2
DEV_PORT, DEV_SENDER_ID, DEV_REPLAY_WINDOW, DEV_EPOCH_MAX_AGE = 3, 4, 5, 6
DEV_KEY_LIMIT, DEV_KEYS = 7, 8
KEY_SLOT, KEY_ID, KEY_MATERIAL, KEY_ACTIVE, KEY_PAIRWISE = 1, 2, 3, 4, 8
PREFIX_FAMILY, PREFIX_ADDR, PREFIX_CIDR = 1, 2, 3
PEER_SENDER_ID, PEER_EP4, PEER_EP6, PEER_PORT = 3, 4, 5, 6
PEER_AIPS, PEER_RX_KEYS, PEER_TX_KEY, PEER_KEEPALIVE = 7, 8, 9, 10
PEER_STATS = 12
GROUP_ID, GROUP_PREFIX, GROUP_BROADCAST, GROUP_ALL_PEERS = 3, 4, 5, 6
GROUP_MEMBERS = 7

REPLY_TIMEOUT = 30


class Reply:
    """What the kernel answered one request: an errno (0: success), the
    extended ack message, and the data messages' payloads."""

    def __init__(self):
        self.err, self.msg, self.data = 0, "", []


class Genl:
    def __init__(self):
        self.nl = Netlink(NETLINK_GENERIC)
        self.family = genl_family_id(self.nl, "shoal")
        self.sock = self.nl.sock
        self.sock.settimeout(REPLY_TIMEOUT)
        self.seq = 1000

    def request(self, cmd, attrs, flags=0, version=1, reserved=0, raw=None):
        """Send one request (attrs: bytes) and collect its answer."""
        self.seq += 1
        payload = raw if raw is not None else \
            struct.pack("=BBH", cmd, version, reserved) + attrs
        hdr = struct.pack("=IHHII", 16 + len(payload), self.family,
                          flags | NLM_F_REQUEST | NLM_F_ACK, self.seq, 0)
        self.sock.send(hdr + payload)
        r = Reply()
        while True:
            data = self.sock.recv(1 << 20)
            while len(data) >= 16:
                length, rtype, rflags, seq = struct.unpack_from("=IHHI", data)
                if length < 16 or length > len(data):
                    raise ValueError(f"bad reply length {length}")
                body = data[16:length]
                data = data[(length + 3) & ~3:]
                if seq != self.seq:
                    raise ValueError(f"reply to {seq}, not {self.seq}")
                if rtype == NLMSG_ERROR or rtype == NLMSG_DONE:
                    r.err = -struct.unpack_from("=i", body)[0] if body else 0
                    r.msg = extack_msg(rtype, rflags, body)
                    # An ack ends a request; so does the end of a dump.
                    if rtype == NLMSG_DONE or not (flags & NLM_F_DUMP) or r.err:
                        return r
                    continue
                check_attrs(body[4:])
                r.data.append(body[4:])


def check_attrs(data, depth=0):
    """A reply's attributes must tile its payload exactly."""
    while data:
        if len(data) < 4:
            raise ValueError("trailing bytes in a reply")
        length, atype = struct.unpack_from("=HH", data)
        if length < 4 or length > len(data):
            raise ValueError(f"bad attribute length {length} in a reply")
        if atype & NLA_F_NESTED and depth < 4:
            check_attrs(data[4:length], depth + 1)
        data = data[(length + 3) & ~3:]


def u8(v):
    return struct.pack("=B", v & 0xff)


def u16(v):
    return struct.pack("=H", v & 0xffff)


def u32(v):
    return struct.pack("=I", v & 0xffffffff)


def u64(v):
    return struct.pack("=Q", v & 0xffffffffffffffff)


def nest(atype, children):
    return (atype | NLA_F_NESTED, children)


class Storm:
    """Valid requests as attribute trees, (type, bytes or [children]),
    serialised with mutations."""

    def __init__(self, rnd, devices):
        self.r = rnd
        self.devices = devices          # [(ifindex, name)]
        self.mutate_p = 0.0

    # -- values --------------------------------------------------------
    def pick(self, *choices):
        return self.r.choice(choices)

    def peer_id(self):
        return self.r.choice((1, 2, 3, 4, 5, 6, 7, 8, self.r.randrange(1 << 32)))

    def group_id(self):
        return self.r.choice((1, 2, 3, 4, self.r.randrange(1 << 32)))

    def dev(self):
        r = self.r.random()
        if r < 0.8:
            ifindex, name = self.r.choice(self.devices)
        elif r < 0.9:
            ifindex, name = 1, "lo"
        else:
            ifindex, name = self.r.randrange(1, 1 << 16), "nosuch%d" % self.r.randrange(99)
        r = self.r.random()
        if r < 0.5:
            return [(A_IFINDEX, u32(ifindex))]
        if r < 0.9:
            return [(A_IFNAME, name.encode() + b"\0")]
        return [(A_IFINDEX, u32(ifindex)), (A_IFNAME, name.encode() + b"\0")]

    def prefix(self, atype):
        if self.r.random() < 0.5:
            fam, alen = socket.AF_INET, 4
        else:
            fam, alen = socket.AF_INET6, 16
        cidr = self.r.randrange(alen * 8 + 1)
        addr = bytearray(self.r.randbytes(alen))
        # Mostly valid: no bits past the length.
        if self.r.random() < 0.9:
            for bit in range(cidr, alen * 8):
                addr[bit // 8] &= ~(0x80 >> (bit % 8)) & 0xff
        return nest(atype, [(PREFIX_FAMILY, u16(fam)),
                            (PREFIX_ADDR, bytes(addr)),
                            (PREFIX_CIDR, u8(cidr))])

    def key(self, atype, slot=None):
        kids = [(KEY_ID, u8(self.pick(1, 2, 3, 4, 5, self.r.randrange(256))))]
        if slot is not None:
            kids.append((KEY_SLOT, u8(slot)))
        if self.r.random() < 0.8:
            kids.append((KEY_MATERIAL, self.r.randbytes(32)))
        if self.r.random() < 0.2:
            kids.append((KEY_PAIRWISE, u8(self.r.randrange(2))))
        return nest(atype, kids)

    def count(self):
        """Entries in an array: a few, or now and then a great many."""
        return self.r.randrange(1, 4) if self.r.random() < 0.97 else \
            self.r.randrange(100, 1500)

    # -- requests ------------------------------------------------------
    def request(self):
        cmd = self.r.choice(sorted(DOIT | {KEY_EXHAUSTED}))
        attrs = self.dev()
        flags = 0
        if cmd in (DEV_GET, PEER_GET, GROUP_GET) and self.r.random() < 0.5:
            flags = NLM_F_DUMP
        if cmd == DEV_SET:
            for atype, val in ((DEV_PORT, u16(self.r.randrange(1 << 16))),
                               (DEV_SENDER_ID, u32(self.peer_id())),
                               (DEV_REPLAY_WINDOW, u32(self.pick(64, 8192, 1 << 20, 0, 1 << 21))),
                               (DEV_EPOCH_MAX_AGE, u32(self.pick(0, 1, 900))),
                               (DEV_KEY_LIMIT, u64(self.pick(0, 1, 1 << 40)))):
                if self.r.random() < 0.3:
                    attrs.append((atype, val))
        elif cmd in (PEER_NEW, PEER_SET):
            attrs.append((PEER_SENDER_ID, u32(self.peer_id())))
            if self.r.random() < 0.5:
                if self.r.random() < 0.5:
                    attrs.append((PEER_EP4, self.r.randbytes(4)))
                else:
                    attrs.append((PEER_EP6, self.r.randbytes(16)))
                attrs.append((PEER_PORT, u16(self.r.randrange(1 << 16))))
            if self.r.random() < 0.6:
                attrs.append(nest(PEER_AIPS, [self.prefix(i + 1)
                                              for i in range(self.count())]))
            if self.r.random() < 0.4:
                attrs.append(nest(PEER_RX_KEYS, [self.key(i + 1)
                                                 for i in range(self.r.randrange(1, 6))]))
            if self.r.random() < 0.2:
                attrs.append(self.key(PEER_TX_KEY))
            if self.r.random() < 0.2:
                attrs.append((PEER_KEEPALIVE, u16(self.pick(0, 1, 25, 65535))))
        elif cmd in (PEER_DEL, PEER_GET):
            if flags != NLM_F_DUMP or self.r.random() < 0.2:
                attrs.append((PEER_SENDER_ID, u32(self.peer_id())))
        elif cmd in (KEY_SET, KEY_ACTIVATE, KEY_DEL):
            attrs.append(nest(DEV_KEYS, [self.key(i + 1, self.pick(0, 1, 2))
                                         for i in range(self.pick(1, 1, 1, 2))]))
        elif cmd in (GROUP_NEW, GROUP_DEL, GROUP_GET, MEMBER_ADD, MEMBER_DEL):
            if flags != NLM_F_DUMP or self.r.random() < 0.2:
                attrs.append((GROUP_ID, u32(self.group_id())))
            if cmd == GROUP_NEW:
                r = self.r.random()
                if r < 0.7:
                    attrs.append(self.prefix(GROUP_PREFIX))
                elif r < 0.9:
                    attrs.append((GROUP_BROADCAST, b""))
                if self.r.random() < 0.2:
                    attrs.append((GROUP_ALL_PEERS, b""))
            if cmd in (GROUP_NEW, MEMBER_ADD, MEMBER_DEL) and self.r.random() < 0.8:
                for _ in range(self.pick(1, 1, 1, 2)):
                    attrs.append(nest(GROUP_MEMBERS,
                                      [(i + 1, u32(self.peer_id()))
                                       for i in range(self.count())]))
        return cmd, attrs, flags

    # -- mutation and serialisation -----------------------------------
    def mutate_payload(self, payload):
        r = self.r.random()
        if r < 0.3:
            return payload[:self.r.randrange(len(payload) + 1)]
        if r < 0.5:
            return payload + self.r.randbytes(self.r.randrange(1, 9))
        if r < 0.8 and payload:
            b = bytearray(payload)
            b[self.r.randrange(len(b))] ^= 1 << self.r.randrange(8)
            return bytes(b)
        return self.r.randbytes(self.r.randrange(40))

    def encode(self, attrs, depth=0):
        out = b""
        for atype, val in attrs:
            m = self.r.random() < self.mutate_p
            if isinstance(val, list):
                payload = self.encode(val, depth + 1)
                if m and self.r.random() < 0.3:
                    atype &= ~NLA_F_NESTED
            else:
                payload = val
                if m and self.r.random() < 0.2 and depth < 3:
                    # A nest where a value goes.
                    payload = self.encode([(1, u32(7)), (2, b"x\0")], depth + 1)
                    atype |= NLA_F_NESTED
            if m:
                r = self.r.random()
                if r < 0.25:
                    atype = self.r.randrange(0, 40) | \
                        (atype & NLA_F_NESTED if self.r.random() < 0.5 else 0)
                elif r < 0.7:
                    payload = self.mutate_payload(payload)
                elif r < 0.8:
                    out += nla(atype, payload)      # twice
                elif r < 0.9:
                    # A length past the end of the message, or under 4.
                    bad = self.r.choice((len(payload) + 4 + self.r.randrange(1, 200),
                                         self.r.randrange(4)))
                    out += struct.pack("=HH", bad, atype) + payload
                    continue
            # An attribute's length is 16 bits.
            out += nla(atype, payload[:0xffff - 4])
        return out

    def message(self):
        """(cmd, attribute bytes, flags, version, reserved, raw or None)"""
        cmd, attrs, flags = self.request()
        self.mutate_p = self.r.choice((0.0, 0.02, 0.1, 0.3))
        data = self.encode(attrs)
        version, reserved, raw = 1, 0, None
        if self.r.random() < 0.05:
            cmd = self.r.randrange(256)
        if self.r.random() < 0.03:
            flags ^= NLM_F_DUMP
        if self.r.random() < 0.02:
            version = self.r.randrange(256)
        if self.r.random() < 0.02:
            reserved = self.r.randrange(1 << 16)
        if self.r.random() < 0.02:
            raw = (struct.pack("=BBH", cmd, 1, 0) + data)[:self.r.randrange(4)]
        elif self.r.random() < 0.03:
            data = data[:self.r.randrange(len(data) + 1)]
        return cmd, data, flags, version, reserved, raw


def core_refuses(cmd, flags, raw):
    """Requests the generic netlink core answers itself, with no message."""
    if raw is not None:
        return True
    if flags & NLM_F_DUMP:
        return cmd not in DUMPIT
    return cmd not in DOIT


def storm(count, seed, names):
    g = Genl()
    devices = [(socket.if_nametoindex(n), n) for n in names]
    s = Storm(random.Random(seed), devices)
    counts, missing = {}, 0
    for _ in range(count):
        cmd, data, flags, version, reserved, raw = s.message()
        try:
            r = g.request(cmd, data, flags, version, reserved, raw)
        except (socket.timeout, ValueError, OSError) as e:
            print(f"cmd {cmd} flags {flags:#x}: {e!r}; request {data.hex()}",
                  file=sys.stderr)
            return 1
        name = errno.errorcode.get(r.err, str(r.err)) if r.err else "ok"
        counts[name] = counts.get(name, 0) + 1
        if r.err and not r.msg and not core_refuses(cmd, flags, raw):
            missing += 1
            if missing <= 20:
                print(f"no message: cmd {cmd} flags {flags:#x} "
                      f"{name}; request {data.hex()}", file=sys.stderr)
    print(f"messages {count}")
    for name, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"{name} {n}")
    print(f"missing {missing}")
    return 1 if missing else 0


class Model:
    """Peers and groups of one device, as the requests so far made them."""

    def __init__(self, rnd, ifname):
        self.r = rnd
        self.g = Genl()
        self.dev = [(A_IFNAME, ifname.encode() + b"\0")]
        self.peers = set()
        self.groups = {}                # id -> set of member ids
        self.plain = Storm(rnd, [])     # never mutates
        self.strict = False             # peers' prefixes are the model's

    @staticmethod
    def aip(pid):
        # One prefix of its own per peer: 10.x.y.z/32.
        return nest(PEER_AIPS, [nest(1, [
            (PREFIX_FAMILY, u16(socket.AF_INET)),
            (PREFIX_ADDR, bytes([10, (pid >> 16) & 0xff, (pid >> 8) & 0xff, pid & 0xff])),
            (PREFIX_CIDR, u8(32))])])

    def expect(self, what, ok, cmd, attrs):
        r = self.g.request(cmd, self.plain.encode(attrs))
        if (r.err == 0) != ok:
            raise SystemExit(f"{what}: got {errno.errorcode.get(r.err, r.err)}"
                             f" ({r.msg!r}), expected {'success' if ok else 'failure'}")
        if r.err and not r.msg:
            raise SystemExit(f"{what}: {errno.errorcode.get(r.err)} without a message")

    def step(self, pid_range):
        r, op = self.r, self.r.randrange(6)
        pid = r.randrange(1, pid_range)
        gid = r.randrange(1, 9)
        if op == 0:
            self.expect(f"peer new {pid}", pid not in self.peers, PEER_NEW,
                        self.dev + [(PEER_SENDER_ID, u32(pid)), self.aip(pid)])
            self.peers.add(pid)
        elif op == 1:
            self.expect(f"peer del {pid}", pid in self.peers, PEER_DEL,
                        self.dev + [(PEER_SENDER_ID, u32(pid))])
            self.peers.discard(pid)
            for members in self.groups.values():
                members.discard(pid)
        elif op == 2:
            members = set(r.sample(sorted(self.peers), min(len(self.peers), r.randrange(4))))
            attrs = self.dev + [(GROUP_ID, u32(gid)), nest(GROUP_PREFIX, [
                (PREFIX_FAMILY, u16(socket.AF_INET)),
                (PREFIX_ADDR, bytes([239, gid, 0, 0])), (PREFIX_CIDR, u8(16))])]
            if members:
                attrs.append(nest(GROUP_MEMBERS, [(i + 1, u32(m)) for i, m in enumerate(members)]))
            self.expect(f"group new {gid}", gid not in self.groups, GROUP_NEW, attrs)
            self.groups.setdefault(gid, members)
        elif op == 3:
            self.expect(f"group del {gid}", gid in self.groups, GROUP_DEL,
                        self.dev + [(GROUP_ID, u32(gid))])
            self.groups.pop(gid, None)
        else:
            add = op == 4
            cur = self.groups.get(gid, set())
            pool = sorted(self.peers - cur) if add else sorted(cur)
            if not pool or r.random() < 0.1:
                pool = [pid]        # most likely refused
            ms = r.sample(pool, min(len(pool), r.randrange(1, 4)))
            ok = gid in self.groups and all(
                (m in self.peers and m not in cur) if add else m in cur for m in ms)
            self.expect(f"member {'add' if add else 'del'} {gid} {ms}", ok,
                        MEMBER_ADD if add else MEMBER_DEL,
                        self.dev + [(GROUP_ID, u32(gid)),
                                    nest(GROUP_MEMBERS, [(i + 1, u32(m)) for i, m in enumerate(ms)])])
            if ok:
                (cur.update if add else cur.difference_update)(ms)

    def dump(self):
        peers, groups = set(), {}
        prev = None
        for body in self.g.request(PEER_GET, self.plain.encode(self.dev),
                                   NLM_F_DUMP).data:
            a = parse_attrs(body)
            pid = struct.unpack("=I", a[PEER_SENDER_ID])[0]
            # More prefixes of the peer before: a list too long for one
            # message (the model's peers have one prefix each).
            if pid == prev and PEER_STATS not in a:
                continue
            prev = pid
            if pid in peers:
                raise SystemExit(f"peer {pid} dumped twice")
            peers.add(pid)
            aips = [parse_attrs(v) for v in parse_attrs(a[PEER_AIPS]).values()]
            want = bytes([10, (pid >> 16) & 0xff, (pid >> 8) & 0xff, pid & 0xff])
            if self.strict and [p[PREFIX_ADDR] for p in aips] != [want]:
                raise SystemExit(f"peer {pid}: allowed ips {aips}")
        for body in self.g.request(GROUP_GET, self.plain.encode(self.dev),
                                   NLM_F_DUMP).data:
            off, members = 0, groups
            gid = None
            while off + 4 <= len(body):
                length, atype = struct.unpack_from("=HH", body, off)
                val = body[off + 4:off + length]
                if atype == GROUP_ID:
                    gid = struct.unpack("=I", val)[0]
                    members.setdefault(gid, set())
                elif atype & 0x3fff == GROUP_MEMBERS:
                    members[gid].update(struct.unpack("=I", v)[0]
                                        for v in parse_attrs(val).values())
                off += (length + 3) & ~3
        return peers, groups

    def clear(self):
        """Delete every group and peer a dump shows; each must go."""
        peers, groups = self.dump()
        for gid in groups:
            self.expect(f"group del {gid}", True, GROUP_DEL,
                        self.dev + [(GROUP_ID, u32(gid))])
        for pid in peers:
            self.expect(f"peer del {pid}", True, PEER_DEL,
                        self.dev + [(PEER_SENDER_ID, u32(pid))])
        return len(peers), len(groups)

    def check(self):
        peers, groups = self.dump()
        if peers != self.peers:
            raise SystemExit(f"dumped peers differ: extra {sorted(peers - self.peers)[:10]}"
                             f", missing {sorted(self.peers - peers)[:10]}")
        if groups != self.groups:
            raise SystemExit(f"dumped groups differ: {groups} != {self.groups}")


def model(count, seed, ifname, extra):
    m = Model(random.Random(seed), ifname)
    found = m.clear()
    m.strict = True
    for _ in range(count):
        m.step(24)
    m.check()
    base = 1 << 20
    for pid in range(base, base + extra):
        m.expect(f"peer new {pid}", True, PEER_NEW,
                 m.dev + [(PEER_SENDER_ID, u32(pid)), m.aip(pid)])
        m.peers.add(pid)
    m.check()
    print(f"cleared {found[0]} peers {found[1]} groups; "
          f"operations {count} peers {len(m.peers)} groups {len(m.groups)} "
          f"members {sum(len(v) for v in m.groups.values())}")
    return 0


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "storm":
        return storm(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:])
    if len(sys.argv) == 6 and sys.argv[1] == "model":
        return model(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4],
                     int(sys.argv[5]))
    print("usage: nlfuzz.py storm COUNT SEED IFNAME...\n"
          "       nlfuzz.py model COUNT SEED IFNAME PEERS", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
