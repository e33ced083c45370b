#!/usr/bin/env python3
"""A small stand-in for traefik/whoami (used by the demo1 tutorial).

Serves HTTP on the given port (default 80) and answers every request with
the host name, the addresses of the network namespace it runs in, the
client's address and the request itself, as whoami does:

    Hostname: node1
    IP: 127.0.0.1
    IP: 192.168.255.11
    RemoteAddr: 192.168.255.1:51858
    GET / HTTP/1.1
    Host: 192.168.255.11
    ...

Only the standard library: a fresh machine has python3 but not whoami.
"""
import fcntl
import http.server
import socket
import struct
import sys

SIOCGIFADDR = 0x8915


def ipv4_addresses():
    out = []
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for _, name in socket.if_nameindex():
            try:
                req = struct.pack("256s", name.encode()[:15])
                res = fcntl.ioctl(s.fileno(), SIOCGIFADDR, req)
                out.append(socket.inet_ntoa(res[20:24]))
            except OSError:
                pass
    finally:
        s.close()
    return out


def ipv6_addresses():
    out = []
    try:
        with open("/proc/net/if_inet6") as f:
            for line in f:
                raw = line.split()[0]
                packed = bytes.fromhex(raw)
                out.append(socket.inet_ntop(socket.AF_INET6, packed))
    except OSError:
        pass
    return out


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        lines = ["Hostname: " + socket.gethostname()]
        lines += ["IP: " + a for a in ipv4_addresses() + ipv6_addresses()]
        lines.append("RemoteAddr: %s:%d" % self.client_address[:2])
        lines.append(self.requestline)
        for k, v in self.headers.items():
            lines.append("%s: %s" % (k, v))
        body = ("\n".join(lines) + "\n\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    allow_reuse_address = True


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 80
    Server(("0.0.0.0", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
