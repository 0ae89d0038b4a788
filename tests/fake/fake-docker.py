#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A misbehaving Docker daemon on a unix socket, for tests/live/daemons.t.

    fake-docker.py SOCKET MODE REPLY

Serves what ctrtree asks a dockerd (GET /_ping, /version, /vX.Y/version,
/vX.Y/containers/json?all=1) over HTTP/1.1 with keep-alive, a thread per
connection.  The container list it serves (three made-up containers, none
with a process) is written to REPLY first, so that a test can compare
ctrtree's view with what was sent.  MODE:

  valid           Content-Length replies
  chunked1        every reply chunked, one byte per chunk
  too-old         API 1.44 only: /v1.41/... is refused with docker's 400
                  "client version 1.41 is too old"; /version says
                  MinAPIVersion 1.44 (a client must raise to it)
  chunk-nonhex    the list: a valid chunk, then the chunk size "zz"
  chunk-negative  ... then "-5"
  chunk-huge      ... then 20 hex digits (more than 64 bits)
  early-eof       the list: Content-Length 1000 bytes larger than sent
  big-length      the list: Content-Length 200 MiB, streamed until the
                  client hangs up (never held in memory)
  big-chunked     the list: 200 MiB in 64 KiB chunks, streamed
  stall           the list: status line and headers, then nothing
  bad-status      the list under the status line "HTTP/2 12345", which
                  libcurl 7.88 takes on HTTP/1.1 as status 12345
  api-version     every /vX.Y/ path: docker's 400 "client version X.Y is
                  too new. Maximum supported API version is 1.24"
  non-root        valid replies, served by uid/gid 65534: the socket is
                  bound as root (root owns the file), then the fake drops
                  to nobody before listen(), so SO_PEERCRED says 65534
  rootless        valid replies, from uid/gid 65534 from the start: it binds
                  (and so owns) the socket itself, as a rootless engine does
"""
import json
import os
import re
import socket
import sys
import threading
import time

BIG = 200 << 20
MODES = ("valid chunked1 too-old chunk-nonhex chunk-negative chunk-huge early-eof "
         "big-length big-chunked stall bad-status api-version non-root rootless").split()

CONTAINERS = [
    {
        "Id": "f6" * 32,
        "Names": ["/h6-web"],
        "Image": "fake.example/web:1.2",
        "ImageID": "sha256:" + "ab" * 32,
        "Command": "httpd -f",
        "Created": 1700000000,
        "State": "running",
        "Status": "Up 2 hours",
        "Labels": {"com.docker.compose.project": "h6shop", "tier": "front"},
        "Ports": [{"IP": "127.0.0.1", "PrivatePort": 80, "PublicPort": 18080,
                   "Type": "tcp"}],
        "NetworkSettings": {"Networks": {}},
        "Mounts": [],
    },
    {
        "Id": "e7" * 32,
        "Names": ["/h6-db"],
        "Image": "fake.example/db:9",
        "ImageID": "sha256:" + "cd" * 32,
        "Command": "db --serve",
        "Created": 1700000100,
        "State": "exited",
        "Status": "Exited (0) 5 minutes ago",
        "Labels": {},
        "Ports": [],
        "NetworkSettings": {"Networks": {}},
        "Mounts": [],
    },
    {
        "Id": "d8" * 32,
        "Names": ["/h6-new"],
        "Image": "fake.example/tool:latest",
        "ImageID": "sha256:" + "ef" * 32,
        "Command": "true",
        "Created": 1700000200,
        "State": "created",
        "Status": "Created",
        "Labels": {"x": "y"},
        "Ports": [],
        "NetworkSettings": {"Networks": {}},
        "Mounts": [],
    },
]


def version(api, min_api):
    return {
        "Version": "99.0.0-fake", "ApiVersion": api, "MinAPIVersion": min_api,
        "GitCommit": "fake", "GoVersion": "go1.0", "Os": "linux", "Arch": "amd64",
        "KernelVersion": os.uname().release,
        "Components": [{"Name": "Engine", "Version": "99.0.0-fake",
                        "Details": {"ApiVersion": api, "MinAPIVersion": min_api}}],
    }


def read_request(conn, buf):
    """One request head (no body: ctrtree only GETs); None at EOF."""
    while b"\r\n\r\n" not in buf[0]:
        data = conn.recv(65536)
        if not data:
            return None
        buf[0] += data
    head, buf[0] = buf[0].split(b"\r\n\r\n", 1)
    return head.split(b"\r\n")[0].decode("latin-1").split(" ")[1]


def head(status, reason, extra):
    lines = ["HTTP/1.1 %d %s" % (status, reason), "Server: Docker/99.0.0-fake (linux)",
             "Content-Type: application/json", "Date: Sun, 01 Jan 2023 00:00:00 GMT"]
    return ("\r\n".join(lines + extra) + "\r\n\r\n").encode()


def send_body(conn, status, reason, body, chunked=False, extra=()):
    extra = list(extra)
    if not chunked:
        conn.sendall(head(status, reason, extra + ["Content-Length: %d" % len(body)]) + body)
        return
    conn.sendall(head(status, reason, extra + ["Transfer-Encoding: chunked"]))
    for i in range(len(body)):
        conn.sendall(b"1\r\n" + body[i:i + 1] + b"\r\n")
    conn.sendall(b"0\r\n\r\n")


def stream_list(conn, mode):
    """The misbehaving container lists.  False: close the connection."""
    if mode.startswith("chunk-"):
        bad = {"chunk-nonhex": b"zz", "chunk-negative": b"-5",
               "chunk-huge": b"f" * 20}[mode]
        conn.sendall(head(200, "OK", ["Transfer-Encoding: chunked"]) +
                     b"2\r\n[{\r\n" + bad + b"\r\n" + b"x" * 64 + b"\r\n0\r\n\r\n")
        time.sleep(30)  # the client must not wait for more
        return False
    if mode == "early-eof":
        body = json.dumps(CONTAINERS).encode()
        conn.sendall(head(200, "OK", ["Content-Length: %d" % (len(body) + 1000)]) + body)
        return False
    if mode == "bad-status":
        # libcurl 7.88 takes "HTTP/2 NNN" on HTTP/1.1 with %d: status 12345.
        body = json.dumps(CONTAINERS).encode()
        conn.sendall(b"HTTP/2 12345\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        return False
    if mode == "stall":
        conn.sendall(head(200, "OK", ["Content-Length: 100"]))
        time.sleep(3600)
        return False
    # 200 MiB, a chunk at a time: '[' and then spaces, valid JSON never ends.
    piece = b" " * 65536
    if mode == "big-length":
        conn.sendall(head(200, "OK", ["Content-Length: %d" % BIG]) + b"[")
        for _ in range(BIG // len(piece)):
            conn.sendall(piece)
    else:
        conn.sendall(head(200, "OK", ["Transfer-Encoding: chunked"]) + b"1\r\n[\r\n")
        chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
        for _ in range(BIG // len(piece)):
            conn.sendall(chunk)
    return False


def serve(conn, mode):
    buf = [b""]
    api = "1.44" if mode == "too-old" else "1.41"
    chunked = mode == "chunked1"
    while True:
        path = read_request(conn, buf)
        if path is None:
            return
        m = re.match(r"^/v([0-9]+\.[0-9]+)(/.*)$", path)
        asked, rest = (m.group(1), m.group(2)) if m else (None, path)
        if rest == "/_ping":
            send_body(conn, 200, "OK", b"OK", chunked, ["Api-Version: " + api,
                                                       "Docker-Experimental: false"])
            continue
        if asked and mode == "api-version":
            msg = ("client version %s is too new. Maximum supported API version is 1.24"
                   % asked)
            send_body(conn, 400, "Bad Request", json.dumps({"message": msg}).encode())
            continue
        if asked and mode == "too-old" and asked != "1.44":
            msg = ("client version %s is too old. Minimum supported API version is 1.44, "
                   "please upgrade your client to a newer version" % asked)
            send_body(conn, 400, "Bad Request", json.dumps({"message": msg}).encode())
            continue
        if rest == "/version":
            body = json.dumps(version(api, "1.44" if mode == "too-old" else "1.12"))
            send_body(conn, 200, "OK", body.encode(), chunked, ["Api-Version: " + api])
        elif rest == "/containers/json?all=1":
            if mode in ("valid", "chunked1", "too-old", "non-root", "rootless"):
                send_body(conn, 200, "OK", json.dumps(CONTAINERS).encode(), chunked,
                          ["Api-Version: " + api])
            elif not stream_list(conn, mode):
                return
        else:
            send_body(conn, 404, "Not Found",
                      json.dumps({"message": "page not found"}).encode())


def handle(conn, mode):
    try:
        serve(conn, mode)
    except OSError:
        pass  # the client hung up: expected for the faulty modes
    finally:
        conn.close()


def drop():
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)


def main():
    if len(sys.argv) != 4 or sys.argv[2] not in MODES:
        sys.exit("usage: fake-docker.py SOCKET MODE REPLY (MODE: %s)" % " ".join(MODES))
    path, mode, reply = sys.argv[1:]
    with open(reply, "w") as f:
        json.dump(CONTAINERS, f)
    if os.path.exists(path):
        os.unlink(path)
    if mode == "rootless":
        drop()
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    if mode == "non-root":
        drop()
    srv.listen(16)
    # A thread per connection: a stalled reply must not hold up the next.
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
