#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Spec-compliance tables generated from the model's .def files (house style B5/B6).

Every row of model/defs/{regs,cmd,evt,ste,cd,priq,pmcg}.def becomes one table row with a
Status and a Note column:

    regs.def   SMMU_REG, SMMU_FIELD            -> registers, register-fields
    cmd.def    CMD_OP, CMD_FIELD               -> commands, command-fields
    evt.def    EVT_ID, EVT_FIELD               -> events, event-fields
    ste.def    L1STD_FIELD, STE_FIELD          -> ste-fields
    cd.def     L1CD_FIELD, CD_FIELD            -> cd-fields
    priq.def   PRIQ_FIELD                      -> priq-fields
    pmcg.def   PMCG_REG, PMCG_FIELD, PMCG_EVENT -> pmcg-registers, pmcg-register-fields,
                                                  pmcg-events

pmcg.def lists the per-counter register arrays by their element 0 (EVCNTR0, EVTYPER0, SVR0,
SMR0), marked by an "OFFSET + 4*n" or "+ stride*n" comment; they are shown as
SMMU_PMCG_EVCNTRn etc. (the spec's spelling) with that offset formula.

The tables live in docs/spec_compliance.md between marker comments

    <!-- BEGIN generated: <table> -->   ...   <!-- END generated: <table> -->

and the Status/Note a person wrote for a row are kept when the tables are regenerated.

    tools/gen_compliance.py                      print every table skeleton (Status "?")
    tools/gen_compliance.py --update FILE        rewrite FILE's tables from the .def files,
                                                 keeping Status/Note of rows that still exist
    tools/gen_compliance.py --check FILE         exit 1 if FILE lacks rows, has stale rows,
                                                 or has a row without a valid Status

Statuses: Functional | Stored | RAZ/WI | Unimplemented (see the legend in the document).
"""
import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFS = ROOT / "model" / "defs"
STATUSES = ("Functional", "Stored", "RAZ/WI", "Unimplemented")

ROW = re.compile(r"^\s*([A-Z0-9_]+)\(([^)]*)\)\s*(?:/\*(.*?)\*/)?")


def rows(def_file, macro):
    """(args..., comment) for each MACRO(...) line of a .def file."""
    out = []
    for line in (DEFS / def_file).read_text().splitlines():
        m = ROW.match(line)
        if m and m.group(1) == macro:
            args = [a.strip() for a in m.group(2).split(",")]
            out.append((args, (m.group(3) or "").strip()))
    return out


def bits(msb, lsb):
    return msb if msb == lsb else f"{msb}:{lsb}"


def record_bits(msb, lsb):
    """Bits across a record, with the dword and the bits within it."""
    m, l = int(msb), int(lsb)
    return f"{bits(m, l)} (dw{l // 64}[{bits(m % 64, l % 64)}])"


def tables():
    """name -> (header, [(key, [cells...]), ...]); key = the cells that identify the row."""
    t = {}
    regs = rows("regs.def", "SMMU_REG")
    t["registers"] = (["Register", "Offset", "Width"],
                      [((f"SMMU_{n}",), [f"SMMU_{n}", off, w]) for (n, off, w), _ in regs])
    t["register-fields"] = (
        ["Register", "Field", "Bits"],
        [((f"SMMU_{r}", f), [f"SMMU_{r}", f, f"[{bits(msb, lsb)}]"])
         for (r, f, msb, lsb), _ in rows("regs.def", "SMMU_FIELD")])
    t["commands"] = (["Opcode", "Command"],
                     [((f"CMD_{n}",), [op, f"CMD_{n}"]) for (n, op), _ in rows("cmd.def", "CMD_OP")])
    t["events"] = (["Number", "Event"],
                   [((n,), [i, n]) for (n, i), _ in rows("evt.def", "EVT_ID")])
    for name, f, macros in (("ste-fields", "ste.def", ("L1STD_FIELD", "STE_FIELD")),
                            ("cd-fields", "cd.def", ("L1CD_FIELD", "CD_FIELD"))):
        body = []
        for macro in macros:
            prefix = macro.replace("_FIELD", "")
            for (fld, msb, lsb), _ in rows(f, macro):
                body.append(((f"{prefix}.{fld}",), [f"{prefix}.{fld}", record_bits(msb, lsb)]))
        t[name] = (["Field", "Bits"], body)
    for name, f, macro in (("command-fields", "cmd.def", "CMD_FIELD"),
                           ("event-fields", "evt.def", "EVT_FIELD"),
                           ("priq-fields", "priq.def", "PRIQ_FIELD")):
        t[name] = (["Field", "Bits"], [((fld,), [fld, record_bits(msb, lsb)])
                                       for (fld, msb, lsb), _ in rows(f, macro)])
    t.update(pmcg_tables())
    return t


ARRAY = re.compile(r"\+\s*(stride|\d+)\s*\*\s*n\b")


def pmcg_tables():
    """PMCG registers, fields and events (pmcg.def)."""
    shown = {}  # .def register name -> displayed name
    regs = []
    for (n, off, w), comment in rows("pmcg.def", "PMCG_REG"):
        m = ARRAY.search(comment)
        if m and n.endswith("0"):
            name = f"SMMU_PMCG_{n[:-1]}n"
            step = "stride·n" if m.group(1) == "stride" else f"{m.group(1)}n"
            offset = f"{off} + {step}"
        else:
            name, offset = f"SMMU_PMCG_{n}", off
        shown[n] = name
        regs.append(((name,), [name, offset, w]))
    t = {"pmcg-registers": (["Register", "Offset", "Width"], regs)}
    fields = []
    for (r, f, msb, lsb), _ in rows("pmcg.def", "PMCG_FIELD"):
        reg = shown.get(r, f"SMMU_PMCG_{r}")
        fields.append(((reg, f), [reg, f, f"[{bits(msb, lsb)}]"]))
    t["pmcg-register-fields"] = (["Register", "Field", "Bits"], fields)
    yes = {"0": "no", "1": "yes"}
    t["pmcg-events"] = (
        ["Number", "Event", "StreamID filter", "Needs ATS"],
        [((n,), [i, n, yes.get(filt, filt), yes.get(ats, ats)])
         for (n, i, filt, ats), _ in rows("pmcg.def", "PMCG_EVENT")])
    return t


def render(name, header, body, old):
    """Markdown table; Status/Note come from old[key] when present."""
    lines = ["| " + " | ".join(header + ["Status", "Note"]) + " |",
             "|" + "---|" * (len(header) + 2)]
    for key, cells in body:
        status, note = old.get(key, ("?", ""))
        lines.append("| " + " | ".join(cells + [status, note]) + " |")
    return "\n".join(lines)


MARK = re.compile(r"<!-- BEGIN generated: ([a-z-]+) -->\n(.*?)<!-- END generated: \1 -->", re.S)


def key_of(cells, table):
    return tuple(cells[i] for i in KEY_COLS[table])


# which visible columns identify a row (must match the keys built in tables())
KEY_COLS = {"registers": (0,), "register-fields": (0, 1), "commands": (1,), "events": (1,),
            "ste-fields": (0,), "cd-fields": (0,), "command-fields": (0,), "event-fields": (0,),
            "priq-fields": (0,), "pmcg-registers": (0,), "pmcg-register-fields": (0, 1),
            "pmcg-events": (1,)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--update", metavar="FILE", type=Path)
    g.add_argument("--check", metavar="FILE", type=Path)
    a = ap.parse_args()
    t = tables()

    if not a.update and not a.check:
        for name, (header, body) in t.items():
            print(f"<!-- BEGIN generated: {name} -->\n{render(name, header, body, {})}\n"
                  f"<!-- END generated: {name} -->\n")
        return 0

    path = a.update or a.check
    text = path.read_text()
    problems = []
    found = set()

    def replace(m):
        name = m.group(1)
        found.add(name)
        if name not in t:
            problems.append(f"unknown table '{name}'")
            return m.group(0)
        header, body = t[name]
        old = {}
        for line in m.group(2).splitlines():
            if not line.startswith("|") or line.startswith("|---"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) != len(header) + 2 or cells[-2] == "Status":
                continue
            old[key_of(cells, name)] = (cells[-2], cells[-1])
        keys = [k for k, _ in body]
        for k in keys:
            if k not in old:
                problems.append(f"{name}: missing row {' '.join(k)}")
            elif old[k][0] not in STATUSES:
                problems.append(f"{name}: row {' '.join(k)} has status '{old[k][0]}'")
        for k in old:
            if k not in keys:
                problems.append(f"{name}: stale row {' '.join(k)} (no longer in the .def files)")
        return (f"<!-- BEGIN generated: {name} -->\n{render(name, header, body, old)}\n"
                f"<!-- END generated: {name} -->")

    new = MARK.sub(replace, text)
    for name in t:
        if name not in found:
            problems.append(f"table '{name}' has no markers in {path}")
    if a.update:
        path.write_text(new)
        for p in problems:
            print(f"note: {p}", file=sys.stderr)
        return 0
    for p in problems:
        print(f"{path}: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
