#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# The peers of S6 (make bench's control plane scenario), as a file for
# `shoal peer add --file`: N peers, each a sender with a random key of its
# own, an endpoint and a /24. tools/tests/profile.sh counts the tool's
# instructions on the same file.
#
#   s6peers.py DIR N              DIR/s6.peers, the keys inline
#   s6peers.py --key-files DIR N  also DIR/s6.peers-files, the same peers
#                                 naming DIR/s6.keys/I, a key file each

import base64
import os
import sys


def main():
    args = sys.argv[1:]
    key_files = args[:1] == ["--key-files"]
    if key_files:
        args = args[1:]
    if len(args) != 2:
        sys.exit("usage: s6peers.py [--key-files] DIR N")
    work, n = args[0], int(args[1])
    if key_files:
        os.makedirs(os.path.join(work, "s6.keys"), exist_ok=True)
        files = open(os.path.join(work, "s6.peers-files"), "w")
    with open(os.path.join(work, "s6.peers"), "w") as inline:
        for i in range(1, n + 1):
            key = base64.b64encode(os.urandom(32)).decode()
            peer = ("id %d endpoint 192.0.2.%d:%d allowed-ips 10.%d.%d.0/24 "
                    "rx-key 1" % (i, i % 250 + 1, 10000 + i % 50000,
                                  i >> 8 & 255, i & 255))
            inline.write("%s inline %s\n" % (peer, key))
            if key_files:
                with open(os.path.join(work, "s6.keys", str(i)), "w") as f:
                    f.write(key + "\n")
                files.write("%s s6.keys/%d\n" % (peer, i))
    if key_files:
        files.close()


if __name__ == "__main__":
    main()
