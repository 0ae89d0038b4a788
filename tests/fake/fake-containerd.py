#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A misbehaving containerd on a unix socket, for tests/live/daemons.t.

    fake-containerd.py SOCKET MODE NAMESPACE PID REPLY

gRPC over cleartext HTTP/2 (python3-h2 decodes the requests; the replies are
protobuf encoded by hand here, field numbers from lib/proto/containerd.proto,
independently of the C decoder under test).  It answers what ctrtree asks a
containerd: Version, Namespaces.List and, for NAMESPACE, Containers.List
and Tasks.List; any other method (the CRI) gets UNIMPLEMENTED, as a
containerd without the CRI plugin does.  NAMESPACE holds three containers:
one running with its task's init PID, one stopped, one without a task.
What it serves is written to REPLY as JSON first.

ctrtree asks every containerd process of the host on the socket its
--address names, so the fake makes itself look like one: comm "containerd"
(PR_SET_NAME) and the command line "containerd --address SOCKET"
(PR_SET_MM_MAP, which needs no CAP_SYS_RESOURCE).  MODE:

  valid        well-formed replies
  data1        every reply message in DATA frames of one byte
  eof          Containers.List: half the message, then the connection closes
  huge         Containers.List: a length prefix of 200 MiB, then DATA frames
               streamed until the client hangs up (never held in memory)
  stall        Containers.List: the response headers, then nothing
  grpc-error   Namespaces.List: grpc-status 14 (UNAVAILABLE) with a message
  non-root     valid replies, served by uid/gid 65534 (bound as root, so
               root owns the socket file; privileges dropped before listen())
"""
import ctypes
import json
import os
import socket
import struct
import sys
import threading
import time

import h2.config
import h2.connection
import h2.events

MODES = "valid data1 eof huge stall grpc-error non-root".split()
SVC = "/containerd.services."
VERSION = SVC + "version.v1.Version/Version"
NAMESPACES = SVC + "namespaces.v1.Namespaces/List"
CONTAINERS = SVC + "containers.v1.Containers/List"
TASKS = SVC + "tasks.v1.Tasks/List"
BIG = 200 << 20
RUNNING, STOPPED = 2, 3


# ---- protobuf, by hand
def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def f_bytes(num, data):
    if isinstance(data, str):
        data = data.encode()
    return varint(num << 3 | 2) + varint(len(data)) + data


def f_varint(num, n):
    return varint(num << 3) + varint(n)


def f_map(num, d):
    return b"".join(f_bytes(num, f_bytes(1, k) + f_bytes(2, v)) for k, v in d.items())


def model(pid):
    return [
        {"id": "h6c-run", "image": "fake.example/app:1", "runtime": "io.containerd.runc.v2",
         "labels": {"role": "app", "tier": "back"}, "task": {"pid": pid, "status": RUNNING}},
        {"id": "h6c-stopped", "image": "fake.example/job:2", "runtime": "io.containerd.runc.v2",
         "labels": {}, "task": {"pid": 0, "status": STOPPED, "exit_status": 3}},
        {"id": "h6c-created", "image": "fake.example/tool:3", "runtime": "io.containerd.runc.v2",
         "labels": {"x": "y"}, "task": None},
    ]


def replies(ns, containers):
    version = f_bytes(1, "1.7.99-h6fake") + f_bytes(2, "fake")
    namespaces = f_bytes(1, f_bytes(1, ns) + f_map(2, {"owner": "h6"}))
    clist = b""
    tlist = b""
    for c in containers:
        msg = (f_bytes(1, c["id"]) + f_map(2, c["labels"]) + f_bytes(3, c["image"]) +
               f_bytes(4, f_bytes(1, c["runtime"])) + f_bytes(6, "overlayfs") +
               f_bytes(8, f_varint(1, 1700000000)))
        clist += f_bytes(1, msg)
        t = c["task"]
        if t:
            msg = f_bytes(1, c["id"]) + f_varint(3, t["pid"]) + f_varint(4, t["status"])
            if t.get("exit_status"):
                msg += f_varint(9, t["exit_status"])
            tlist += f_bytes(1, msg)
    return {VERSION: version, NAMESPACES: namespaces, CONTAINERS: clist, TASKS: tlist}


def grpc_frame(msg, length=None):
    return b"\0" + struct.pack(">I", len(msg) if length is None else length) + msg


# ---- looking like a containerd process
def disguise(sock_path):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
    libc.sbrk.restype = ctypes.c_void_p
    libc.sbrk.argtypes = [ctypes.c_long]
    name = ctypes.create_string_buffer(b"containerd")
    if libc.prctl(15, ctypes.addressof(name), 0, 0, 0) != 0:  # PR_SET_NAME
        raise OSError(ctypes.get_errno(), "PR_SET_NAME")

    class MMMap(ctypes.Structure):  # struct prctl_mm_map
        _fields_ = [(n, ctypes.c_uint64) for n in (
            "start_code", "end_code", "start_data", "end_data", "start_brk", "brk",
            "start_stack", "arg_start", "arg_end", "env_start", "env_end", "auxv")] + \
            [("auxv_size", ctypes.c_uint32), ("exe_fd", ctypes.c_uint32)]

    stat = open("/proc/self/stat").read()
    f = stat[stat.rindex(")") + 2:].split()

    def field(n):  # stat(5) numbering: field 3 is the state
        return int(f[n - 3])

    argv = b"containerd\0--address\0" + sock_path.encode() + b"\0"
    disguise.buf = ctypes.create_string_buffer(argv, len(argv))  # kept alive
    a = ctypes.addressof(disguise.buf)
    m = MMMap(start_code=field(26), end_code=field(27), start_data=field(45),
              end_data=field(46), start_brk=field(47), brk=libc.sbrk(0),
              start_stack=field(28), arg_start=a, arg_end=a + len(argv),
              env_start=field(50), env_end=field(51), auxv=0, auxv_size=0,
              exe_fd=0xFFFFFFFF)
    if libc.prctl(35, 14, ctypes.addressof(m), ctypes.sizeof(m), 0) != 0:  # PR_SET_MM_MAP
        raise OSError(ctypes.get_errno(), "PR_SET_MM_MAP")


# ---- HTTP/2
def raw_data_frame(stream, payload):
    return struct.pack(">I", len(payload))[1:] + b"\0\0" + struct.pack(">I", stream) + payload


def respond(conn, sock, mode, stream, path, answers):
    """Answer one call.  False: close the connection."""
    grpc = [(":status", "200"), ("content-type", "application/grpc")]
    if path not in answers or (mode == "grpc-error" and path == NAMESPACES):
        if path in answers:
            code, msg = "14", "fake: namespace store unavailable"
        else:
            code, msg = "12", "unknown service " + path.split("/")[1]
        conn.send_headers(stream, grpc + [("grpc-status", code), ("grpc-message", msg)],
                          end_stream=True)
        return True
    body = grpc_frame(answers[path])
    if path == CONTAINERS and mode in ("eof", "huge", "stall"):
        conn.send_headers(stream, grpc)
        sock.sendall(conn.data_to_send())
        if mode == "eof":
            conn.send_data(stream, body[:len(body) // 2])
            sock.sendall(conn.data_to_send())
            # EOF, but take what the client still sends (a WINDOW_UPDATE
            # would otherwise meet a closed socket: EPIPE, not EOF, first).
            sock.shutdown(socket.SHUT_WR)
            sock.settimeout(10)
            while sock.recv(65536):
                pass
        elif mode == "stall":
            time.sleep(3600)
        else:
            # Past the flow-control window h2 would refuse: raw frames.
            sock.sendall(raw_data_frame(stream, grpc_frame(b"", BIG)))
            piece = raw_data_frame(stream, b"\0" * 16384)
            for _ in range(BIG // 16384):
                sock.sendall(piece)
        return False
    conn.send_headers(stream, grpc)
    if mode == "data1":
        for i in range(len(body)):
            conn.send_data(stream, body[i:i + 1])
    else:
        conn.send_data(stream, body)
    conn.send_headers(stream, [("grpc-status", "0")], end_stream=True)
    return True


def serve(sock, mode, answers):
    conn = h2.connection.H2Connection(h2.config.H2Configuration(
        client_side=False, header_encoding="utf-8"))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    paths = {}
    while True:
        data = sock.recv(65536)
        if not data:
            return
        for ev in conn.receive_data(data):
            if isinstance(ev, h2.events.RequestReceived):
                paths[ev.stream_id] = dict(ev.headers).get(":path", "")
            elif isinstance(ev, h2.events.DataReceived):
                conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.StreamEnded):
                if not respond(conn, sock, mode, ev.stream_id, paths.get(ev.stream_id, ""),
                               answers):
                    return
            elif isinstance(ev, h2.events.ConnectionTerminated):
                return
        sock.sendall(conn.data_to_send())


def handle(sock, mode, answers):
    try:
        serve(sock, mode, answers)
    except Exception:  # the client hung up, or h2 disliked it
        pass
    finally:
        sock.close()


def main():
    if len(sys.argv) != 6 or sys.argv[2] not in MODES:
        sys.exit("usage: fake-containerd.py SOCKET MODE NAMESPACE PID REPLY (MODE: %s)" %
                 " ".join(MODES))
    path, mode, ns, pid, reply = sys.argv[1:]
    containers = model(int(pid))
    with open(reply, "w") as f:
        json.dump({"namespace": ns, "version": "1.7.99-h6fake", "containers": containers}, f)
    answers = replies(ns, containers)
    if os.path.exists(path):
        os.unlink(path)
    disguise(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    if mode == "non-root":
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    srv.listen(16)
    # A thread per connection: every containerd process of the host is
    # asked by every ctrtree that runs, and a stalled reply to one must not
    # hold up the next.
    while True:
        sock, _ = srv.accept()
        threading.Thread(target=handle, args=(sock, mode, answers), daemon=True).start()


if __name__ == "__main__":
    main()
