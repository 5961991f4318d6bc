#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Seed corpora for the libFuzzer targets in tests/fuzz, made from the project's own data.

    tests/fuzz/make_seeds.py OUT_DIR [--shared DIR]

writes OUT_DIR/core, OUT_DIR/traces and OUT_DIR/oracle:

  core    one program per oracle case (SHARED/oracle/shared.jsonl, FORMAT.md): the case's
          mem_write, reg_write, reg_read and dma steps in the byte format of fuzz_core.cc
          (mem_expect and note steps carry nothing the SMMU reads);
  traces  native traces (traces/data, tests/traces/fixtures) plain, truncated, xz- and
          zstd-compressed, a QEMU trace log, and the first lines of every shared capture
          (SHARED/traces/data) with records_total adjusted, each behind the mode byte of
          fuzz_traces.cc;
  oracle  every line of shared.jsonl and the conformance runner's test files, behind the
          mode byte of fuzz_oracle.cc.

Only the Python standard library is used (zstd compression needs the zstd program and is
skipped without it). Nothing here is committed: scripts/test.sh and tests/fuzz/run.sh make
the seeds at test time.
"""
import argparse
import json
import lzma
import os
import shutil
import struct
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# fuzz_core.cc: the configuration byte and the operation numbers
CFG_QEMU_VIRT, CFG_QEMU_VIRT_S1ONLY = 1, 4
CFG_PTR, CFG_CAS = 0x08, 0x10
OP_REG_READ, OP_XLATE, OP_MEM_BLOCK, OP_REG_WRITE = 2, 3, 6, 7
RAM_END = 1 << 31


def u(n, v):
    return (v & ((1 << (8 * n)) - 1)).to_bytes(n, "little")


def core_program(case, variant):
    """The byte program of one oracle case (see fuzz_core.cc)."""
    machine = case.get("platform", {}).get("machine", "")
    cfg = CFG_QEMU_VIRT_S1ONLY if "virt-9.1" in machine else CFG_QEMU_VIRT
    out = bytearray([cfg | CFG_CAS | (CFG_PTR if variant & 1 else 0)])
    for s in case["steps"]:
        op = s["op"]
        if op == "mem_write":
            addr, data = int(s["addr"], 16), bytes.fromhex(s["data"])
            for i in range(0, len(data), 256):
                chunk = data[i:i + 256]
                a = addr + i
                if a + len(chunk) > RAM_END:
                    continue  # not RAM in the harness (the oracle only writes its 1 GiB)
                out += bytes([OP_MEM_BLOCK]) + u(4, a) + bytes([len(chunk) - 1]) + chunk
        elif op == "reg_write":
            size = s["size"]
            out += bytes([OP_REG_WRITE]) + u(3, int(s["off"], 16)) + bytes([1 if size == 8 else 0])
            out += u(size, int(s["val"], 16))
        elif op == "reg_read":
            out += bytes([OP_REG_READ]) + u(3, int(s["off"], 16)) + bytes([3 if s["size"] == 8 else 2])
        elif op == "dma":
            flags = 2 if s["dir"] == "write" else 0
            size = min(int(s["size"]), 63)  # bits 7:6 of the size byte pick the port: 0
            ssid = s.get("ssid")
            if ssid is not None:
                flags |= 1
            out += bytes([OP_XLATE]) + u(2, s["sid"]) + bytes([flags]) + u(3, ssid or 0)
            out += u(8, int(s["iova"], 16)) + bytes([size])
    return bytes(out)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def make_core(out, oracle):
    n = 0
    with open(oracle, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if not line.strip():
                continue
            case = json.loads(line)
            write(os.path.join(out, "%s.bin" % case["id"]), core_program(case, i))
            n += 1
    return n


def capture_snippet(data_dir, name, lines):
    """The header and first `lines` records of each file of a shared capture, as the three
    parts fuzz_traces.cc mode 2 expects, with records_total made right for the snippet."""
    parts = []
    for kind in ("dma", "cmd", "mmio"):
        with lzma.open(os.path.join(data_dir, "%s.%s.xz" % (name, kind)), "rt", encoding="utf-8") as f:
            head, recs = [], []
            for l in f:
                if l.startswith("#"):
                    if not recs:
                        head.append(l)
                elif len(recs) < lines:
                    recs.append(l)
                else:
                    break
        parts.append((head, recs))
    # The importer merges the files by seq (gaps are fine) and checks records_total.
    total = sum(len(r) for _, r in parts)
    texts = []
    for head, recs in parts:
        head = ["# records_total %d\n" % total if h.startswith("# records_total") else h for h in head]
        texts.append("".join(head + recs))
    return "\n%%\n".join(texts).encode()


def make_traces(out, shared):
    n = 0

    def seed(name, mode, body):
        nonlocal n
        write(os.path.join(out, name), bytes([mode]) + body)
        n += 1

    data = os.path.join(REPO, "traces", "data")
    fixtures = os.path.join(REPO, "tests", "traces", "fixtures")
    with open(os.path.join(data, "boot_strict.trace"), "rb") as f:
        boot = f.read()
    snippet = b"".join(boot.splitlines(keepends=True)[:80])
    seed("native_boot_full", 0, boot)
    seed("native_boot_head", 0, snippet)
    seed("native_boot_xz", 0, lzma.compress(snippet))
    seed("native_bad_field", 0, open(os.path.join(fixtures, "bad_field.trace"), "rb").read())
    zstd = shutil.which("zstd")
    if zstd:
        z = subprocess.run([zstd, "-q", "-c", "-3"], input=snippet, stdout=subprocess.PIPE, check=True)
        seed("native_boot_zstd", 0, z.stdout)
        b = subprocess.run([zstd, "-q", "-dc", os.path.join(data, "nvme_randread_qd1_strict.trace.zst")],
                           stdout=subprocess.PIPE, check=True)
        seed("native_binary_head", 0, b.stdout[:8192])
        seed("native_binary_rt", 4, b.stdout[:8192])
    log = open(os.path.join(fixtures, "qemu_smmuv3.log"), "rb").read()
    seed("qemu_log", 1, log)
    seed("open_qemu_log", 3, log)
    seed("open_boot_head", 3, snippet)
    seed("roundtrip_boot", 4, snippet)
    seed("roundtrip_boot_zstd", 9, snippet)
    seed("roundtrip_boot_xz", 14, snippet)
    cap_dir = os.path.join(shared, "traces", "data")
    if os.path.isdir(cap_dir):
        names = sorted({f[:-len(".dma.xz")] for f in os.listdir(cap_dir) if f.endswith(".dma.xz")})
        for name in names:
            seed("capture_" + name, 2, capture_snippet(cap_dir, name, 30))
    return n


def make_oracle(out, oracle):
    n = 0

    def seed(name, mode, body):
        nonlocal n
        write(os.path.join(out, name), bytes([mode]) + body)
        n += 1

    with open(oracle, "rb") as f:
        for i, line in enumerate(f):
            if line.strip():
                # mode 0: plain .jsonl; every 16th also as .jsonl.xz compressed by the harness
                seed("shared_%03d" % i, 3 if i % 16 == 15 else 0, line)
    testdata = os.path.join(REPO, "tools", "conformance", "testdata")
    for root, _, files in os.walk(testdata):
        for fn in sorted(files):
            body = open(os.path.join(root, fn), "rb").read()
            seed("testdata_" + fn, 1 if fn.endswith(".xz") else 0, body)
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output directory (core/, traces/, oracle/ are made in it)")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(REPO), "shared"),
                    help="the shared folder (default: ../shared beside the repository)")
    a = ap.parse_args()
    oracle = os.path.join(a.shared, "oracle", "shared.jsonl")
    counts = {}
    for sub in ("core", "traces", "oracle"):
        d = os.path.join(a.out, sub)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    counts["traces"] = make_traces(os.path.join(a.out, "traces"), a.shared)
    if os.path.exists(oracle):
        counts["core"] = make_core(os.path.join(a.out, "core"), oracle)
        counts["oracle"] = make_oracle(os.path.join(a.out, "oracle"), oracle)
    else:
        print("make_seeds: %s not found: no oracle seeds" % oracle, file=sys.stderr)
        counts["core"] = counts["oracle"] = 0
    print("make_seeds: " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))


if __name__ == "__main__":
    main()
