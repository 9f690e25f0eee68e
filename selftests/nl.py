#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# A second, independent netlink client for the selftests, written against the
# raw socket API so that tests can send what the shoal tool never would:
# rtnetlink link creation with shoal's IFLA attributes, and generic netlink
# messages with arbitrary (also malformed) attributes and header fields.
#
#   nl.py link-add NAME [--port N] [--id N] [--data TYPE:FMT:VALUE ...]
#   nl.py genl CMD [--dump] [--attr TYPE:FMT:VALUE ...] [--reserved N]
#
# FMT is u8, u16, u32, u64, str (NUL-terminated), bytes (hex). Replies are
# printed as one JSON object per line; a failure prints
# "ERR <ERRNO NAME> <extended ack message>" and exits 1.

import argparse
import errno
import json
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 1, 2, 4, 0x300
NLM_F_CREATE, NLM_F_EXCL = 0x400, 0x200
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLMSGERR_ATTR_MSG = 1
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 16, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2
NETLINK_ADD_MEMBERSHIP = 1
RTM_NEWLINK = 16
IFLA_IFNAME, IFLA_LINKINFO = 3, 18
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFLA_SHOAL_PORT, IFLA_SHOAL_SENDER_ID = 1, 2
NLA_F_NESTED = 0x8000

# SHOAL_A_DEV_*: how to show the attributes of a reply.
DEV_ATTRS = {1: ("ifindex", "I"), 2: ("ifname", "str"), 3: ("port", "H"),
             4: ("sender_id", "I"), 5: ("replay_window", "I"),
             6: ("epoch_max_age", "I"), 7: ("key_limit", "Q"),
             10: ("peers", "I"), 11: ("peer_id", "I"), 13: ("cipher", "I")}


class NetlinkError(Exception):
    def __init__(self, err, msg):
        super().__init__(err, msg)
        self.err, self.msg = err, msg


def nla(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * (-len(payload) % 4)


def encode(spec):
    """TYPE:FMT:VALUE -> attribute bytes."""
    atype, fmt, value = spec.split(":", 2)
    formats = {"u8": "=B", "u16": "=H", "u32": "=I", "u64": "=Q"}
    if fmt in formats:
        payload = struct.pack(formats[fmt], int(value, 0))
    elif fmt == "str":
        payload = value.encode() + b"\0"
    elif fmt == "bytes":
        payload = bytes.fromhex(value)
    else:
        raise SystemExit(f"unknown attribute format {fmt}")
    return nla(int(atype, 0), payload)


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        length, atype = struct.unpack_from("=HH", data)
        if length < 4:
            break
        out[atype & 0x3fff] = data[4:length]
        data = data[(length + 3) & ~3:]
    return out


def extack_msg(rtype, rflags, body):
    """The extended ack message of an NLMSG_ERROR or NLMSG_DONE body, or "".
    An error echoes the request (padded to 4 bytes) unless capped; the
    TLVs follow it. A dump's DONE has them right after its error code."""
    if not rflags & NLM_F_ACK_TLVS:
        return ""
    if rtype == NLMSG_DONE:
        off = 4
    elif rflags & NLM_F_CAPPED:
        off = 4 + 16
    else:
        off = 4 + ((struct.unpack_from("=I", body, 4)[0] + 3) & ~3)
    msg = parse_attrs(body[off:]).get(NLMSGERR_ATTR_MSG, b"")
    return msg.rstrip(b"\0").decode(errors="replace")


class Netlink:
    def __init__(self, proto):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 0

    def request(self, mtype, flags, payload):
        """Send one message; return the payloads of all replies."""
        self.seq += 1
        msg = struct.pack("=IHHII", 16 + len(payload), mtype,
                          flags | NLM_F_REQUEST | NLM_F_ACK, self.seq, 0)
        self.sock.send(msg + payload)
        replies = []
        while True:
            data = self.sock.recv(1 << 20)
            while len(data) >= 16:
                length, rtype, rflags, _, _ = struct.unpack_from("=IHHII", data)
                body = data[16:length]
                data = data[(length + 3) & ~3:]
                if rtype == NLMSG_DONE:
                    # A dump that failed says so in its DONE message.
                    err = struct.unpack_from("=i", body)[0] if body else 0
                    if err < 0:
                        raise NetlinkError(-err, extack_msg(rtype, rflags,
                                                            body))
                    return replies
                if rtype != NLMSG_ERROR:
                    replies.append(body)
                    continue
                err = struct.unpack_from("=i", body)[0]
                if err == 0:
                    return replies
                raise NetlinkError(-err, extack_msg(rtype, rflags, body))


def genl_family_id(nl, name):
    payload = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0) + \
        nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0")
    reply = nl.request(GENL_ID_CTRL, 0, payload)[0]
    return struct.unpack("=H", parse_attrs(reply[4:])[CTRL_ATTR_FAMILY_ID][:2])[0]


def show_dev(attrs):
    out = {}
    for atype, raw in attrs.items():
        name, fmt = DEV_ATTRS.get(atype, (str(atype), None))
        if fmt == "str":
            out[name] = raw.rstrip(b"\0").decode()
        elif fmt:
            out[name] = struct.unpack("=" + fmt, raw)[0]
        else:
            out[name] = raw.hex()
    return out


def cmd_genl(args):
    nl = Netlink(NETLINK_GENERIC)
    family = genl_family_id(nl, "shoal")
    payload = struct.pack("=BBH", args.cmd, 1, args.reserved)
    payload += b"".join(encode(a) for a in args.attr)
    flags = NLM_F_DUMP if args.dump else 0
    for reply in nl.request(family, flags, payload):
        print(json.dumps(show_dev(parse_attrs(reply[4:]))))


def genl_mcast_group(nl, family, group):
    """Id of a multicast group of a generic netlink family."""
    payload = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0) + \
        nla(CTRL_ATTR_FAMILY_NAME, family.encode() + b"\0")
    reply = parse_attrs(nl.request(GENL_ID_CTRL, 0, payload)[0][4:])
    for entry in parse_attrs(reply.get(CTRL_ATTR_MCAST_GROUPS, b"")).values():
        grp = parse_attrs(entry)
        if grp.get(CTRL_ATTR_MCAST_GRP_NAME, b"").rstrip(b"\0").decode() == group:
            return struct.unpack("=I", grp[CTRL_ATTR_MCAST_GRP_ID])[0]
    raise SystemExit(f"no multicast group {group}")


def cmd_monitor(args):
    """Print the family's events as JSON lines, up to --count or --timeout."""
    nl = Netlink(NETLINK_GENERIC)
    grp = genl_mcast_group(nl, "shoal", "events")
    nl.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, grp)
    nl.sock.settimeout(args.timeout)
    print("ready", flush=True)
    seen = 0
    while seen < args.count:
        try:
            data = nl.sock.recv(1 << 16)
        except socket.timeout:
            break
        while len(data) >= 20:
            length = struct.unpack_from("=I", data)[0]
            cmd = data[16]
            out = show_dev(parse_attrs(data[20:length]))
            out["cmd"] = cmd
            print(json.dumps(out), flush=True)
            seen += 1
            data = data[(length + 3) & ~3:]


def cmd_link_add(args):
    nl = Netlink(socket.NETLINK_ROUTE)
    data = b""
    if args.port is not None:
        data += nla(IFLA_SHOAL_PORT, struct.pack("=H", args.port))
    if args.id is not None:
        data += nla(IFLA_SHOAL_SENDER_ID, struct.pack("=I", args.id))
    data += b"".join(encode(a) for a in args.data)
    info = nla(IFLA_INFO_KIND, b"shoal\0") + nla(IFLA_INFO_DATA | NLA_F_NESTED, data)
    payload = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0)
    payload += nla(IFLA_IFNAME, args.name.encode() + b"\0")
    payload += nla(IFLA_LINKINFO | NLA_F_NESTED, info)
    nl.request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, payload)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="what", required=True)
    g = sub.add_parser("genl")
    g.add_argument("cmd", type=lambda s: int(s, 0))
    g.add_argument("--dump", action="store_true")
    g.add_argument("--attr", action="append", default=[])
    g.add_argument("--reserved", type=int, default=0)
    link = sub.add_parser("link-add")
    link.add_argument("name")
    link.add_argument("--port", type=int)
    link.add_argument("--id", type=int)
    link.add_argument("--data", action="append", default=[])
    mon = sub.add_parser("monitor")
    mon.add_argument("--count", type=int, default=1)
    mon.add_argument("--timeout", type=float, default=30)
    args = ap.parse_args()
    try:
        {"genl": cmd_genl, "link-add": cmd_link_add,
         "monitor": cmd_monitor}[args.what](args)
    except NetlinkError as e:
        print(f"ERR {errno.errorcode.get(e.err, e.err)} {e.msg}")
        return 1
    except PermissionError:
        print("ERR EPERM")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
