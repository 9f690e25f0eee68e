#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Checks that uapi/linux/shoal.h and the policies in module/netlink.c agree
# with Documentation/netlink/shoal.yaml, the source of truth. Prints KTAP
# result lines for the caller and exits non-zero on any disagreement.

import re
import sys

import yaml

TOP = sys.argv[1] if len(sys.argv) > 1 else "."

NLA_TYPES = {"u8": "NLA_U8", "u16": "NLA_U16", "u32": "NLA_U32",
             "u64": "NLA_U64", "s32": "NLA_S32", "string": "NLA_NUL_STRING",
             "binary": "NLA_BINARY", "flag": "NLA_FLAG", "nest": "NLA_NESTED"}


def c_name(*parts):
    return "_".join(p.upper().replace("-", "_") for p in parts)


def header_enums(text):
    """Map every enumerator of the header to its value."""
    values = {}
    for body in re.findall(r"enum\s*\w*\s*{([^}]*)}", text):
        nxt = 0
        for item in body.split(","):
            item = re.sub(r"/\*.*?\*/", "", item, flags=re.S).strip()
            if not item:
                continue
            name, _, expr = (s.strip() for s in item.partition("="))
            if re.fullmatch(r"\d+", expr):
                nxt = int(expr)
            elif expr:
                # The only other form is "(__X_MAX - 1)".
                m = re.fullmatch(r"\(\s*(\w+)\s*-\s*1\s*\)", expr)
                nxt = values[m.group(1)] - 1 if m else None
            values[name] = nxt
            nxt = None if nxt is None else nxt + 1
    return values


def expected(spec):
    """Names and values the spec implies, in the kernel's ynl conventions."""
    fam = spec["name"]
    want = {}
    for aset in spec["attribute-sets"]:
        prefix = aset.get("name-prefix", f"{fam}-a-{aset['name']}-")
        val = 1
        for attr in aset["attributes"]:
            val = attr.get("value", val)
            want[c_name(prefix + attr["name"])] = val
            val += 1
    val = 1
    for op in spec["operations"]["list"]:
        val = op.get("value", val)
        want[c_name(f"{fam}-cmd-" + op["name"])] = val
        val += 1
    return want


def policy_entries(text):
    """{policy array name: {attribute enumerator: initializer text}}."""
    out = {}
    for name, body in re.findall(
            r"nla_policy\s+(\w+)\[[^]]*\]\s*=\s*{(.*?)\n};", text, re.S):
        out[name] = dict(re.findall(r"\[(\w+)\]\s*=\s*([^\n]*(?:\n\t\t[^\n]*)*)",
                                    body))
    return out


def check_policies(spec, text):
    """Every attribute a do request takes is in that op's policy, typed."""
    errors = []
    policies = policy_entries(text)
    attrs = {a["name"]: a for s in spec["attribute-sets"]
             for a in s["attributes"]}
    fam = spec["name"]
    for op in spec["operations"]["list"]:
        pol = policies.get(f"{fam}_{c_name(op['name']).lower()}_policy")
        if pol is None:
            errors.append(f"no policy {fam}_{c_name(op['name']).lower()}_policy")
            continue
        for name in op.get("do", {}).get("request", {}).get("attributes", []):
            enum = c_name(f"{fam}-a-{op['attribute-set']}-{name}")
            entry = pol.get(enum)
            attr = attrs[name]
            if entry is None:
                errors.append(f"{op['name']}: {enum} missing from policy")
                continue
            if NLA_TYPES[attr["type"]] not in entry:
                errors.append(f"{op['name']}: {enum} is not {NLA_TYPES[attr['type']]}")
            checks = attr.get("checks", {})
            if "min" in checks and f"NLA_POLICY_MIN({NLA_TYPES[attr['type']]}, {checks['min']})" not in entry:
                errors.append(f"{op['name']}: {enum} lacks min {checks['min']}")
            if "max-len" in checks and not (
                    str(checks["max-len"]) in entry or
                    (checks["max-len"] == 15 and "IFNAMSIZ - 1" in entry)):
                errors.append(f"{op['name']}: {enum} lacks max-len {checks['max-len']}")
        extra = set(pol) - {c_name(f"{fam}-a-{op['attribute-set']}-{n}")
                            for n in op.get("do", {}).get("request", {}).get("attributes", [])}
        if extra:
            errors.append(f"{op['name']}: policy accepts {sorted(extra)} the spec does not")
        flags = op.get("flags", [])
        perm = "GENL_UNS_ADMIN_PERM" if "uns-admin-perm" in flags else \
            "GENL_ADMIN_PERM" if "admin-perm" in flags else None
        block = re.search(r"\.cmd\s*=\s*" + c_name(f"{fam}-cmd-{op['name']}") +
                          r",(.*?)}", text, re.S)
        if not block:
            errors.append(f"{op['name']}: no genl_ops entry")
        elif perm and perm not in block.group(1):
            errors.append(f"{op['name']}: ops entry lacks {perm}")
        elif not perm and "_PERM" in block.group(1):
            errors.append(f"{op['name']}: ops entry has a permission flag the spec lacks")
    return errors


def main():
    spec = yaml.safe_load(open(f"{TOP}/Documentation/netlink/shoal.yaml"))
    header = open(f"{TOP}/uapi/linux/shoal.h").read()
    netlink = open(f"{TOP}/module/netlink.c").read()
    have = header_enums(header)
    fails = 0

    errors = [f"{n}: header {have.get(n)} spec {v}"
              for n, v in expected(spec).items() if have.get(n) != v]
    fam = spec["name"]
    for kind, last in (("A_DEV", max(v for n, v in expected(spec).items()
                                      if n.startswith(c_name(fam, "a-dev-")))),
                       ("CMD", len(spec["operations"]["list"]))):
        if have.get(c_name(fam, kind, "max")) != last:
            errors.append(f"{c_name(fam, kind, 'max')} is {have.get(c_name(fam, kind, 'max'))}, spec says {last}")
    if f'"{fam}"' not in header:
        errors.append("family name define missing")
    for e in errors:
        print(f"# {e}")
    print(f"{'not ' if errors else ''}ok 1 uapi header matches the spec")
    fails += bool(errors)

    errors = check_policies(spec, netlink)
    for e in errors:
        print(f"# {e}")
    print(f"{'not ' if errors else ''}ok 2 module policies match the spec")
    fails += bool(errors)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
