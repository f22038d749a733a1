"""Loopback ports for connection-failure tests: one where nothing
listens (refused) and one where nothing answers (timeout)."""
import select
import socket


def closed_port():
    """A loopback port nothing listens on."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def silent_port():
    """A loopback port that answers no SYN, as an address that drops
    packets (192.0.2.10) without leaving the machine: its listener's queue
    (backlog 0) is filled by connections never accepted, after which Linux
    drops every SYN. Connections are made until one does not complete
    within 200 ms. Returns (port, the sockets to close)."""
    lis = socket.socket()
    lis.bind(("127.0.0.1", 0))
    lis.listen(0)
    port = lis.getsockname()[1]
    keep = [lis]
    for _ in range(16):
        c = socket.socket()
        c.setblocking(False)
        keep.append(c)
        if c.connect_ex(("127.0.0.1", port)) == 0:
            continue
        if not select.select([], [c], [], 0.2)[1]:
            return port, keep
    for k in keep:
        k.close()
    raise AssertionError("the listen queue never filled")
