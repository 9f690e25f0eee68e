#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Checks that uapi/linux/shoal.h and the policies in module/netlink.c agree
# with Documentation/netlink/shoal.yaml, the source of truth. Prints KTAP
# result lines for the caller and exits non-zero on any disagreement.

import glob
import re
import sys

import yaml

TOP = sys.argv[1] if len(sys.argv) > 1 else "."

NLA_TYPES = {"u8": "NLA_U8", "u16": "NLA_U16", "u32": "NLA_U32",
             "u64": "NLA_U64", "s32": "NLA_S32", "string": "NLA_NUL_STRING",
             "binary": "NLA_BINARY", "flag": "NLA_FLAG", "nest": "NESTED(",
             "indexed-array": "NESTED_ARRAY("}


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


def set_attrs(spec):
    """{attribute enumerator: (set name, attribute, value)}, every set."""
    fam = spec["name"]
    out = {}
    for aset in spec["attribute-sets"]:
        prefix = aset.get("name-prefix", f"{fam}-a-{aset['name']}-")
        val = 1
        for attr in aset["attributes"]:
            val = attr.get("value", val)
            out[c_name(prefix + attr["name"])] = (aset["name"], attr, val)
            val += 1
    return out


def enum_defs(spec):
    """{enum definition name: [its enumerators, in order]}."""
    fam = spec["name"]
    return {d["name"]: [c_name(f"{fam}-{d['name']}-{e}") for e in d["entries"]]
            for d in spec.get("definitions", []) if d["type"] == "enum"}


def expected(spec):
    """Names and values the spec implies, in the kernel's ynl conventions."""
    fam = spec["name"]
    want = {enum: val for enum, (_, _, val) in set_attrs(spec).items()}
    for names in enum_defs(spec).values():
        want.update((name, val) for val, name in enumerate(names))
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


def reject_names(text):
    """NLA_REJECT and the macros that stand for a refusing entry."""
    names = ["NLA_REJECT"]
    for name, body in re.findall(r"#define\s+(\w+)(?:\([^)]*\))?((?:[^\n]*\\\n)*[^\n]*)",
                                 text):
        if any(n in body for n in names):
            names.append(name)
    return names


def check_nested(op, policies, rejects, enums, attr, entry):
    """The nested policy an entry names accepts only its set's attributes."""
    m = re.search(r"NESTED(?:_ARRAY)?\((\w+)\)", entry)
    if not m or "nested-attributes" not in attr:
        return []
    pol = policies.get(m.group(1))
    if pol is None:
        return [f"{op}: no nested policy {m.group(1)}"]
    errors = []
    for enum, inner in pol.items():
        if any(n in inner for n in rejects):
            continue
        where = enums.get(enum)
        if where is None or where[0] != attr["nested-attributes"]:
            errors.append(f"{op}: {m.group(1)} accepts {enum}, not in set {attr['nested-attributes']}")
            continue
        errors += check_entry(f"{op} {m.group(1)}", enum, where[1], inner)
    return errors


def op_policy(text, fam, op):
    """Name of the policy array the genl_ops entry of OP uses, or None."""
    block = re.search(r"\.cmd\s*=\s*" + c_name(f"{fam}-cmd-{op['name']}") +
                      r",(.*?)}", text, re.S)
    if not block:
        return None, None
    pol = re.search(r"\.policy\s*=\s*(\w+)", block.group(1))
    return block.group(1), pol.group(1) if pol else None


def check_entry(op, enum, attr, entry, enums=None):
    """Disagreements between one policy entry and its spec attribute."""
    errors = []
    kind = NLA_TYPES[attr["type"]]
    if attr["type"] == "indexed-array" and "nested-attributes" not in attr:
        # An array of scalars: the entries are checked by the handler.
        kind = "NLA_NESTED"
    if kind not in entry and not (kind.startswith("NLA_") and
                                  "EXACT_LEN" in entry and kind == "NLA_BINARY"):
        errors.append(f"{op}: {enum} is not {kind}")
    checks = attr.get("checks", {})
    if "enum" in attr:
        # Values past the last enumerator are refused.
        last = enums[attr["enum"]][-1]
        if not re.search(rf"NLA_POLICY_MAX\({kind},\s*{last}\)", entry):
            errors.append(f"{op}: {enum} lacks max {last}")
    if "FULL_RANGE" in entry:
        return errors
    for check, macro in (("min", "MIN"), ("max", "MAX")):
        if check in checks and \
                f"NLA_POLICY_{macro}({kind}, {checks[check]})" not in entry and \
                f"NLA_POLICY_RANGE({kind}" not in entry:
            errors.append(f"{op}: {enum} lacks {check} {checks[check]}")
    if "exact-len" in checks and f"EXACT_LEN({checks['exact-len']})" not in entry \
            and "SHOAL_KEY_LEN" not in entry:
        errors.append(f"{op}: {enum} lacks exact-len {checks['exact-len']}")
    if "max-len" in checks and not (
            str(checks["max-len"]) in entry or
            (checks["max-len"] == 15 and "IFNAMSIZ - 1" in entry)):
        errors.append(f"{op}: {enum} lacks max-len {checks['max-len']}")
    return errors


def check_policies(spec, text):
    """Every attribute a do request takes is in that op's policy, typed."""
    errors = []
    policies = policy_entries(text)
    rejects = reject_names(text)
    enums = set_attrs(spec)
    fam = spec["name"]
    for op in spec["operations"]["list"]:
        if "do" not in op:
            continue
        aset = op["attribute-set"]
        attrs = {a["name"]: a for s in spec["attribute-sets"]
                 if s["name"] == aset for a in s["attributes"]}
        block, name = op_policy(text, fam, op)
        if block is None:
            errors.append(f"{op['name']}: no genl_ops entry")
            continue
        pol = policies.get(name)
        if pol is None:
            errors.append(f"{op['name']}: no policy {name}")
            continue
        wanted = op["do"].get("request", {}).get("attributes", [])
        for attr_name in wanted:
            enum = c_name(f"{fam}-a-{aset}-{attr_name}")
            entry = pol.get(enum)
            if entry is None:
                errors.append(f"{op['name']}: {enum} missing from policy")
                continue
            errors += check_entry(op["name"], enum, attrs[attr_name], entry,
                                  enum_defs(spec))
            errors += check_nested(op["name"], policies, rejects, enums,
                                   attrs[attr_name], entry)
        accepted = {e for e, v in pol.items()
                    if not any(n in v for n in rejects)}
        extra = accepted - {c_name(f"{fam}-a-{aset}-{n}") for n in wanted}
        if extra:
            errors.append(f"{op['name']}: policy accepts {sorted(extra)} the spec does not")
        flags = op.get("flags", [])
        perm = "GENL_UNS_ADMIN_PERM" if "uns-admin-perm" in flags else \
            "GENL_ADMIN_PERM" if "admin-perm" in flags else None
        if perm and perm not in block:
            errors.append(f"{op['name']}: ops entry lacks {perm}")
        elif not perm and "_PERM" in block:
            errors.append(f"{op['name']}: ops entry has a permission flag the spec lacks")
    return errors


def main():
    spec = yaml.safe_load(open(f"{TOP}/Documentation/netlink/shoal.yaml"))
    header = open(f"{TOP}/uapi/linux/shoal.h").read()
    netlink = "".join(open(f).read() for f in
                      sorted(glob.glob(f"{TOP}/module/netlink*.c")))
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
