#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# WireGuard key pairs for the fan-out baseline, where one sender needs
# N peers, each a receiver with its own key pair: `wg genkey | wg pubkey`
# a thousand times is two thousand processes in the emulated VM; this is
# the same X25519 key generation (RFC 7748) in one.
#
#   wgkeys.py N   prints N lines "PRIVATE PUBLIC", both base64

import base64
import sys

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import (Encoding,
                                                          NoEncryption,
                                                          PrivateFormat,
                                                          PublicFormat)


def main():
    out = []
    for _ in range(int(sys.argv[1])):
        k = X25519PrivateKey.generate()
        priv = k.private_bytes(Encoding.Raw, PrivateFormat.Raw,
                               NoEncryption())
        pub = k.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        out.append("%s %s" % (base64.b64encode(priv).decode(),
                              base64.b64encode(pub).decode()))
    print("\n".join(out))


if __name__ == "__main__":
    main()
