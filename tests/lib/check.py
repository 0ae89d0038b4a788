#!/usr/bin/env python3
"""Independent checks for the live tests: read /proc and the kernel's own
files with Python, never with ctrtree's code, and compare with its output.

  check.py safe-text FILE         no terminal control bytes in FILE
  check.py json-valid FILE        strict JSON whose strings are all escaped
  check.py proc-matches JSON PID  ctrtree's facts for PID == /proc's
"""
import json
import os
import sys
import unicodedata

NS_TYPES = ["cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"]


def unsafe_cp(cp):
    if cp < 0x20 and cp not in (0x0a,) or 0x7F <= cp <= 0x9F:
        return True
    if unicodedata.category(chr(cp)) in ("Cf", "Cc", "Zl", "Zp"):
        return cp not in (0x0a,)
    return False


def safe_text(path):
    data = open(path, "rb").read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        print("# invalid UTF-8 at byte %d" % e.start)
        return 1
    for i, ch in enumerate(text):
        if ch == "\r" and text[i + 1: i + 2] == "\n":
            continue  # a pty turns \n into \r\n
        if unsafe_cp(ord(ch)):
            print("# unsafe code point U+%04X at %d: %r" % (ord(ch), i, text[max(0, i - 20): i + 20]))
            return 1
    return 0


def json_valid(path):
    data = open(path, "rb").read()
    text = data.decode("utf-8")  # must be UTF-8
    for ch in text:
        if unsafe_cp(ord(ch)) and ch != "\n":
            print("# raw unsafe code point U+%04X in JSON text" % ord(ch))
            return 1
    json.loads(text)
    return 0


def read(path):
    with open(path, "rb") as f:
        return f.read()


def proc_matches(json_path, pid):
    doc = json.load(open(json_path, encoding="utf-8"))
    procs = {p["pid"]: p for p in doc["processes"]}
    p = procs.get(pid)
    if p is None:
        print("# pid %d missing from ctrtree's output" % pid)
        return 1
    bad = 0
    stat = read("/proc/%d/stat" % pid)
    after = stat[stat.rindex(b")") + 2:].split()
    comm = stat[stat.index(b"(") + 1: stat.rindex(b")")]
    expect = {
        "ppid": int(after[1]),
        "start_time": int(after[19]),
        "comm": comm,
        "cmdline": [a for a in read("/proc/%d/cmdline" % pid).split(b"\0")],
    }
    if expect["cmdline"] and expect["cmdline"][-1] == b"":
        expect["cmdline"].pop()
    got_comm = p["comm"].encode("utf-8", "surrogateescape")
    got_cmd = [a.encode("utf-8", "surrogateescape") for a in p["cmdline"]]
    for key, got in (("ppid", p["ppid"]), ("start_time", p["start_time"]), ("comm", got_comm),
                     ("cmdline", got_cmd)):
        if key == "cmdline" and p.get("cmdline_truncated"):
            whole = b"\0".join(expect[key])
            if not whole.startswith(b"\0".join(got)) or len(b"\0".join(got)) < 65536:
                print("# cmdline is not a long prefix of the real one")
                bad = 1
            continue
        if got != expect[key]:
            print("# %s: ctrtree %r, /proc %r" % (key, got, expect[key]))
            bad = 1
    for t in NS_TYPES:
        try:
            ino = os.stat("/proc/%d/ns/%s" % (pid, t)).st_ino
        except OSError:
            ino = None
        if p["namespaces"].get(t) != ino:
            print("# ns %s: ctrtree %r, stat %r" % (t, p["namespaces"].get(t), ino))
            bad = 1
    lines = read("/proc/%d/cgroup" % pid).decode("utf-8", "surrogateescape").rstrip("\n").split("\n")
    got_lines = ["%d:%s:%s" % (c["hierarchy"], c["controllers"], c["path"]) for c in p["cgroup"]]
    if got_lines != lines:
        print("# cgroup: ctrtree %r, /proc %r" % (got_lines, lines))
        bad = 1
    for line in read("/proc/%d/status" % pid).decode("utf-8", "surrogateescape").splitlines():
        if line.startswith("NSpid:") and [int(x) for x in line.split()[1:]] != p["nspid"]:
            print("# nspid: ctrtree %r, status %r" % (p["nspid"], line))
            bad = 1
        if line.startswith("Uid:") and int(line.split()[2]) != p["uid"]:
            print("# uid: ctrtree %r, status %r" % (p["uid"], line))
            bad = 1
    return bad


def main():
    cmd = sys.argv[1]
    if cmd == "safe-text":
        return safe_text(sys.argv[2])
    if cmd == "json-valid":
        return json_valid(sys.argv[2])
    if cmd == "proc-matches":
        return proc_matches(sys.argv[2], int(sys.argv[3]))
    print("check.py: unknown command", cmd, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
