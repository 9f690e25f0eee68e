#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# A second implementation of shoal's wire format, written from
# Documentation/protocol.rst and not from the module, so that the two check
# each other: it recomputes the test vector, seals datagrams for tests that
# forge or replay them, and decrypts the shoal datagrams of a capture.

"""shoal wire format: key derivation, sealing, opening and pcap reading."""

import argparse
import base64
import hashlib
import ipaddress
import json
import struct
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import (AESGCM,
                                                          ChaCha20Poly1305)

TYPE_BYTE = 1 << 4 | 1          # version 1, type 1 (data)
# type, flags, key id, reserved, sender id, epoch, counter; big endian
HDR = struct.Struct(">BBBBIQQ")
TAG_LEN = 16
LABEL = b"shoal traffic v1"

# The test vector of Documentation/protocol.rst.
VEC_KEY = bytes(range(32))
VEC_SENDER, VEC_KEY_ID = 0x01020304, 7
VEC_EPOCH, VEC_COUNTER = 0x6543210F89ABCDEF, 5
VEC_EXPECT = {
    "plaintext": "4500002400004000400126d70a0000010a000002080075be12340001"
                 "73686f616c212121",
    "traffic_key": "bb5da9b5ceddd6311a9a5ac07f986ad4"
                   "cf23b443155d997016742d54b9830334",
    "header": "11000700010203046543210f89abcdef0000000000000005",
    "payload": "11000700010203046543210f89abcdef0000000000000005"
               "acbfe5b926b2496f8a64572ac11bf19cd43e403cc11df514"
               "81fbd6cab3e216bb249e051c"
               "77e5d983d67c252363e298e1c9f4235a",
    "keepalive": "11000700010203046543210f89abcdef0000000000000006"
                 "e2612b45accd52cca4ad35b0e1fd6abb",
    "payload_aes_256_gcm":
        "11000700010203046543210f89abcdef0000000000000005"
        "c3e7be2798eb162538bfcafb44738c2161ad6ac23e3a718d"
        "37f05b760275e82a95a074a5"
        "a57107647157a428869bd45cf932e44a",
    "keepalive_aes_256_gcm":
        "11000700010203046543210f89abcdef0000000000000006"
        "b199aa4c2f90774203f5353642296c46",
}


# Published vectors the self-test checks the primitives against: RFC 8439
# section 2.8.2, and BLAKE2s-256 keyed with 00..1f over the empty message.
RFC8439_KEY = bytes(range(0x80, 0xA0))
RFC8439_FIXED, RFC8439_IV = bytes.fromhex("07000000"), 0x4746454443424140
RFC8439_NONCE = "070000004041424344454647"
RFC8439_AAD = bytes.fromhex("50515253c0c1c2c3c4c5c6c7")
RFC8439_PLAIN = (b"Ladies and Gentlemen of the class of '99: If I could "
                 b"offer you only one tip for the future, sunscreen would "
                 b"be it.")
RFC8439_SEALED = (
    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
    "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
    "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
    "3ff4def08e4b7a9de576d26586cec64b6116"
    "1ae10b594f09e26a7e902ecbd0600691")
# Test case 16 of McGrew and Viega, "The Galois/Counter Mode of Operation".
GCM16_KEY = bytes.fromhex("feffe9928665731c6d6a8f9467308308" * 2)
GCM16_IV = bytes.fromhex("cafebabefacedbaddecaf888")
GCM16_AAD = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
GCM16_PLAIN = bytes.fromhex(
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39")
GCM16_SEALED = (
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
    "76fc6ece0f4e1768cddf8853bb2d551b")
BLAKE2S_KEYED_EMPTY = \
    "48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49"


class WireError(ValueError):
    """A datagram a receiver drops; reason names the drop counter."""

    def __init__(self, reason, what):
        super().__init__(f"{reason}: {what}")
        self.reason = reason


def derive(key, sender_id, key_id, epoch):
    """Return the traffic key of an installed key for one sender epoch."""
    if len(key) != 32:
        raise ValueError("an installed key is 32 bytes")
    msg = LABEL + struct.pack(">IBQ", sender_id, key_id, epoch)
    return hashlib.blake2s(msg, key=key, digest_size=32).digest()


def nonce(counter, fixed=bytes(4)):
    """Return the ChaCha20-Poly1305 nonce: 4 zero bytes, then the counter
    little endian."""
    return fixed + struct.pack("<Q", counter)


def gcm_nonce(counter):
    """Return the AES-256-GCM nonce: 4 zero bytes, then the counter big
    endian (as the header carries it)."""
    return bytes(4) + struct.pack(">Q", counter)


# Each cipher a device may use: its AEAD and how a counter becomes its nonce.
CIPHERS = {
    "chacha20-poly1305": (ChaCha20Poly1305, nonce),
    "aes-256-gcm": (AESGCM, gcm_nonce),
}


def header(sender_id, key_id, epoch, counter):
    """Return the 24 header bytes of a data datagram."""
    return HDR.pack(TYPE_BYTE, 0, key_id, 0, sender_id, epoch, counter)


def parse_header(payload):
    """Return the header fields of a UDP payload, or raise WireError."""
    if len(payload) < HDR.size + TAG_LEN:
        raise WireError("malformed", f"{len(payload)} bytes is too short")
    tb, flags, key_id, rsvd, sender_id, epoch, counter = \
        HDR.unpack_from(payload)
    for bad, what in ((tb != TYPE_BYTE, f"type byte {tb:#04x}"),
                      (flags, f"flags {flags:#04x}"),
                      (rsvd, f"reserved byte {rsvd:#04x}"),
                      (not sender_id, "sender id 0")):
        if bad:
            raise WireError("malformed", what)
    return {"sender_id": sender_id, "key_id": key_id, "epoch": epoch,
            "counter": counter}


def seal(key, sender_id, key_id, epoch, counter, plaintext,
         cipher="chacha20-poly1305"):
    """Return the UDP payload protecting plaintext (b"" for a keepalive)."""
    hdr = header(sender_id, key_id, epoch, counter)
    algo, mknonce = CIPHERS[cipher]
    aead = algo(derive(key, sender_id, key_id, epoch))
    return hdr + aead.encrypt(mknonce(counter), plaintext, hdr)


def open_payload(key, payload, cipher="chacha20-poly1305"):
    """Return the header fields and plaintext of a payload, or raise."""
    fields = parse_header(payload)
    algo, mknonce = CIPHERS[cipher]
    aead = algo(derive(key, fields["sender_id"], fields["key_id"],
                       fields["epoch"]))
    try:
        fields["plaintext"] = aead.decrypt(mknonce(fields["counter"]),
                                           payload[HDR.size:],
                                           payload[:HDR.size])
    except InvalidTag:
        raise WireError("auth", "authentication failed") from None
    return fields


def csum(data):
    """Return the Internet checksum (RFC 1071) of data."""
    data += b"\0" * (len(data) & 1)
    total = sum(struct.unpack(f">{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4(src, dst, proto, body, tos=0):
    """Return an IPv4 packet: id 0, don't fragment, TTL 64, no options."""
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, tos, 20 + len(body), 0, 0x4000,
                      64, proto, 0, ipaddress.IPv4Address(src).packed,
                      ipaddress.IPv4Address(dst).packed)
    return hdr[:10] + struct.pack(">H", csum(hdr)) + hdr[12:] + body


def icmp_echo(ident, seq, data):
    """Return an ICMP echo request message."""
    msg = struct.pack(">BBHHH", 8, 0, 0, ident, seq) + data
    return msg[:2] + struct.pack(">H", csum(msg)) + msg[4:]


def vector():
    """Return the test vector's values, computed by this implementation."""
    plain = ipv4("10.0.0.1", "10.0.0.2", 1, icmp_echo(0x1234, 1, b"shoal!!!"))
    payload = seal(VEC_KEY, VEC_SENDER, VEC_KEY_ID, VEC_EPOCH, VEC_COUNTER,
                   plain)
    hdr = header(VEC_SENDER, VEC_KEY_ID, VEC_EPOCH, VEC_COUNTER)
    return {
        "key": VEC_KEY.hex(), "sender_id": f"{VEC_SENDER:#010x}",
        "key_id": str(VEC_KEY_ID), "epoch": f"{VEC_EPOCH:#018x}",
        "counter": str(VEC_COUNTER), "plaintext": plain.hex(),
        "kdf_input": (LABEL + struct.pack(">IBQ", VEC_SENDER, VEC_KEY_ID,
                                          VEC_EPOCH)).hex(),
        "traffic_key": derive(VEC_KEY, VEC_SENDER, VEC_KEY_ID,
                              VEC_EPOCH).hex(),
        "nonce": nonce(VEC_COUNTER).hex(), "header": hdr.hex(),
        "ciphertext": payload[len(hdr):-TAG_LEN].hex(),
        "tag": payload[-TAG_LEN:].hex(), "payload": payload.hex(),
        "keepalive": seal(VEC_KEY, VEC_SENDER, VEC_KEY_ID, VEC_EPOCH,
                          VEC_COUNTER + 1, b"").hex(),
        "nonce_aes_256_gcm": gcm_nonce(VEC_COUNTER).hex(),
        "payload_aes_256_gcm": seal(VEC_KEY, VEC_SENDER, VEC_KEY_ID,
                                    VEC_EPOCH, VEC_COUNTER, plain,
                                    "aes-256-gcm").hex(),
        "keepalive_aes_256_gcm": seal(VEC_KEY, VEC_SENDER, VEC_KEY_ID,
                                      VEC_EPOCH, VEC_COUNTER + 1, b"",
                                      "aes-256-gcm").hex(),
    }


# Classic libpcap: the magic in either byte order, microsecond or nanosecond.
PCAP_MAGICS = (0xA1B2C3D4, 0xA1B23C4D)
ETH_P_IP, ETH_P_IPV6, VLAN_TPIDS = 0x0800, 0x86DD, (0x8100, 0x88A8)


def _network_packet(linktype, frame):
    """Return the IP packet inside a link-layer frame, or None."""
    if linktype == 101:                                 # LINKTYPE_RAW
        return frame
    if linktype == 1:                                   # LINKTYPE_ETHERNET
        off, proto = 14, frame[12:14]
        while len(proto) == 2 and int.from_bytes(proto, "big") in VLAN_TPIDS:
            proto, off = frame[off + 2:off + 4], off + 4
    elif linktype == 113:                               # LINKTYPE_LINUX_SLL
        off, proto = 16, frame[14:16]
    elif linktype == 276:                               # LINKTYPE_LINUX_SLL2
        off, proto = 20, frame[0:2]
    else:
        raise ValueError(f"unsupported link type {linktype}")
    if int.from_bytes(proto, "big") in (ETH_P_IP, ETH_P_IPV6):
        return frame[off:]
    return None


def _udp_of(pkt):
    """Return (src, dst, UDP segment) of an unfragmented packet, or None."""
    if len(pkt) >= 20 and pkt[0] >> 4 == 4:
        ihl, total = (pkt[0] & 15) * 4, int.from_bytes(pkt[2:4], "big")
        if ihl < 20 or total < ihl or total > len(pkt) or pkt[9] != 17 or \
                int.from_bytes(pkt[6:8], "big") & 0x3FFF:
            return None
        return (ipaddress.IPv4Address(pkt[12:16]),
                ipaddress.IPv4Address(pkt[16:20]), pkt[ihl:total])
    if len(pkt) >= 40 and pkt[0] >> 4 == 6:
        end = 40 + int.from_bytes(pkt[4:6], "big")
        nxt, off = pkt[6], 40
        if end > len(pkt):
            return None
        while nxt in (0, 43, 60) and off + 2 <= end:    # skippable options
            nxt, off = pkt[off], off + (pkt[off + 1] + 1) * 8
        if nxt != 17 or off > end:                      # 44: a fragment
            return None
        return (ipaddress.IPv6Address(pkt[8:24]),
                ipaddress.IPv6Address(pkt[24:40]), pkt[off:end])
    return None


def udp_datagrams(data):
    """Yield (src, sport, dst, dport, payload) of each UDP datagram.

    data is the contents of a classic pcap file. Records cut short by the
    snap length, fragments and other protocols are skipped.
    """
    for order in "<>":
        if len(data) >= 24 and \
                struct.unpack_from(order + "I", data)[0] in PCAP_MAGICS:
            break
    else:
        raise ValueError("not a classic pcap file (convert pcapng with "
                         "'editcap -F pcap')")
    linktype = struct.unpack_from(order + "I", data, 20)[0] & 0xFFFF
    rec, off = struct.Struct(order + "IIII"), 24
    while off + rec.size <= len(data):
        _, _, caplen, origlen = rec.unpack_from(data, off)
        frame = data[off + rec.size:off + rec.size + caplen]
        off += rec.size + caplen
        if caplen < origlen or len(frame) < caplen:
            continue
        pkt = _network_packet(linktype, frame)
        found = _udp_of(pkt) if pkt else None
        if not found or len(found[2]) < 8:
            continue
        src, dst, udp = found
        sport, dport, ulen = struct.unpack_from(">HHH", udp)
        if 8 <= ulen <= len(udp):
            yield src, sport, dst, dport, udp[8:ulen]


def load_key(path):
    """Return the 32-byte key whose base64 the file holds."""
    with open(path, encoding="ascii") as f:
        key = base64.b64decode(f.read().strip(), validate=True)
    if len(key) != 32:
        raise ValueError(f"{path}: not the base64 of a 32-byte key")
    return key


def cmd_vector(_args):
    """Print the test vector; fail if it differs from the one on record."""
    values, bad = vector(), []
    for name, value in values.items():
        print(f"{name}: {value}")
        if VEC_EXPECT.get(name, value) != value:
            bad.append(name)
    for name in bad:
        print(f"mismatch: {name}, expected {VEC_EXPECT[name]}",
              file=sys.stderr)
    return 1 if bad else 0


def _pcap(order, linktype, packets):
    """Return a classic pcap file holding packets, for the self-test."""
    out = struct.pack(order + "IHHiIII", PCAP_MAGICS[0], 2, 4, 0, 0, 65535,
                      linktype)
    for pkt in packets:
        out += struct.pack(order + "IIII", 0, 0, len(pkt), len(pkt)) + pkt
    return out


def _pcap_ok(payload):
    """Does the pcap reader find payload in every link type and order?"""
    udp = struct.pack(">HHHH", 4000, 51820, 8 + len(payload), 0) + payload
    v4 = ipv4("192.0.2.1", "192.0.2.2", 17, udp)
    v6 = struct.pack(">IHBB", 6 << 28, len(udp), 17, 64) + \
        ipaddress.IPv6Address("2001:db8::1").packed + \
        ipaddress.IPv6Address("2001:db8::2").packed + udp
    noise = ipv4("192.0.2.1", "192.0.2.2", 6, bytes(20))    # TCP: skipped
    frames = {
        1: lambda p, t: bytes(12) + b"\x81\x00\x00\x01" + t + p + bytes(6),
        101: lambda p, t: p,
        113: lambda p, t: bytes(14) + t + p,
        276: lambda p, t: t + bytes(18) + p,
    }
    for linktype, frame in frames.items():
        for order in "<>":
            pkts = [frame(p, struct.pack(">H", t)) for p, t in
                    ((noise, ETH_P_IP), (v4, ETH_P_IP), (v6, ETH_P_IPV6))]
            got = list(udp_datagrams(_pcap(order, linktype, pkts)))
            if [(str(g[0]), g[1], g[3], g[4]) for g in got] != \
                    [("192.0.2.1", 4000, 51820, payload),
                     ("2001:db8::1", 4000, 51820, payload)]:
                return False
    return True


def _tamper_ok(payload):
    """Is a payload with any one bit flipped refused?"""
    for i in range(len(payload)):
        forged = bytearray(payload)
        forged[i] ^= 0x80
        try:
            open_payload(VEC_KEY, bytes(forged))
            return False
        except WireError:
            pass
    return True


def cmd_selftest(_args):
    """Check the primitives against published vectors; print KTAP."""
    aead = ChaCha20Poly1305(RFC8439_KEY)
    rfc_nonce = nonce(RFC8439_IV, RFC8439_FIXED)
    gcm = AESGCM(GCM16_KEY)
    vec = vector()
    payload = bytes.fromhex(vec["payload"])
    plain = bytes.fromhex(vec["plaintext"])
    keepalive = seal(VEC_KEY, 1, 0, 0, 0, b"")
    checks = [
        ("blake2s_keyed_reference",
         hashlib.blake2s(b"", key=bytes(range(32))).hexdigest()
         == BLAKE2S_KEYED_EMPTY),
        ("rfc8439_2_8_2_aead",
         rfc_nonce.hex() == RFC8439_NONCE
         and aead.encrypt(rfc_nonce, RFC8439_PLAIN, RFC8439_AAD).hex()
         == RFC8439_SEALED),
        ("gcm_test_case_16",
         gcm.encrypt(GCM16_IV, GCM16_PLAIN, GCM16_AAD).hex()
         == GCM16_SEALED),
        ("vector_matches_record",
         all(vec[k] == v for k, v in VEC_EXPECT.items())),
        ("vector_icmp_checksums", csum(plain[:20]) == csum(plain[20:]) == 0),
        ("open_round_trip",
         open_payload(VEC_KEY, payload)["plaintext"] == plain),
        ("open_round_trip_aes_256_gcm",
         open_payload(VEC_KEY, bytes.fromhex(vec["payload_aes_256_gcm"]),
                      "aes-256-gcm")["plaintext"] == plain),
        ("keepalive_is_40_bytes",
         len(keepalive) == 40
         and open_payload(VEC_KEY, keepalive)["plaintext"] == b""),
        ("any_flipped_bit_refused", _tamper_ok(payload)),
        ("pcap_reader", _pcap_ok(payload)),
    ]
    print(f"KTAP version 1\n1..{len(checks)}")
    for i, (name, ok) in enumerate(checks, 1):
        print(f"{'ok' if ok else 'not ok'} {i} {name}")
    return 0 if all(ok for _, ok in checks) else 1


def cmd_decrypt(args):
    """Print one JSON line per shoal datagram of a capture that decrypts."""
    keys = [load_key(path) for path in args.key_file]
    with open(args.pcap, "rb") as f:
        data = f.read()
    opened = 0
    for src, sport, dst, dport, payload in udp_datagrams(data):
        if args.port is not None and args.port not in (sport, dport):
            continue
        try:
            hdr = parse_header(payload)
        except WireError:
            continue
        for key in keys:
            try:
                fields = open_payload(key, payload, args.cipher)
                break
            except WireError:
                pass
        else:
            print(f"{src}:{sport} -> {dst}:{dport}: sender {hdr['sender_id']}"
                  f" key id {hdr['key_id']} epoch {hdr['epoch']:#x} counter "
                  f"{hdr['counter']}: authentication failed", file=sys.stderr)
            continue
        inner = fields.pop("plaintext")
        fields.update(inner_hex=inner.hex(), inner_len=len(inner),
                      src=f"{src}:{sport}", dst=f"{dst}:{dport}")
        print(json.dumps(fields), flush=True)
        opened += 1
    return 0 if opened else 1


def cmd_seal(args):
    """Print the hex of a sealed payload."""
    key = load_key(args.key_file)
    print(seal(key, args.sender_id, args.key_id, args.epoch, args.counter,
               bytes.fromhex(args.plaintext), args.cipher).hex())
    return 0


def _number(text):
    """Parse a decimal or 0x-prefixed hexadecimal number."""
    return int(text, 0)


def main():
    """Parse the command line and run a subcommand."""
    ap = argparse.ArgumentParser(description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("vector", help="print and check the test vector")
    sub.add_parser("selftest", help="check against published vectors")
    p = sub.add_parser("decrypt", help="decrypt the datagrams of a pcap")
    p.add_argument("--key-file", action="append", required=True,
                   help="base64 key file; repeat to try several keys")
    p.add_argument("--port", type=_number, help="only datagrams to/from port")
    p.add_argument("--cipher", choices=CIPHERS, default="chacha20-poly1305")
    p.add_argument("pcap")
    p = sub.add_parser("seal", help="print the payload protecting HEX")
    p.add_argument("--key-file", required=True)
    p.add_argument("--cipher", choices=CIPHERS, default="chacha20-poly1305")
    for opt in ("--sender-id", "--key-id", "--epoch", "--counter"):
        p.add_argument(opt, type=_number, required=True)
    p.add_argument("plaintext", metavar="HEX", help="inner packet ('' for a "
                   "keepalive)")
    args = ap.parse_args()
    try:
        return {"vector": cmd_vector, "selftest": cmd_selftest,
                "decrypt": cmd_decrypt, "seal": cmd_seal}[args.cmd](args)
    except (OSError, ValueError, struct.error) as e:
        print(f"{ap.prog}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
