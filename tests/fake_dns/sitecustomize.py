"""For test servers only (on their PYTHONPATH): answer some host names without DNS.

TESTS_FAKE_HOSTS="rebind.test=127.0.0.1,mixed.test=93.184.216.34+127.0.0.1" makes
socket.getaddrinfo, the look-up recess's webhook delivery makes, answer those addresses for
those names, as a DNS server the test controls would. Other names are looked up as usual.
"""

import os
import socket

_HOSTS = {
    name.strip().lower(): addresses.split("+")
    for name, _, addresses in (entry.partition("=") for entry in os.environ.get("TESTS_FAKE_HOSTS", "").split(","))
    if name.strip() and addresses
}

if _HOSTS:
    _real_getaddrinfo = socket.getaddrinfo

    def _getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # type: ignore[no-untyped-def]
        name = host.decode("ascii", "replace") if isinstance(host, bytes) else host
        addresses = _HOSTS.get(name.lower().rstrip(".")) if isinstance(name, str) else None
        if addresses is None:
            return _real_getaddrinfo(host, port, family, type, proto, flags)
        found = []
        for address in addresses:
            found.extend(_real_getaddrinfo(address, port, family, type, proto, flags | socket.AI_NUMERICHOST))
        return found

    socket.getaddrinfo = _getaddrinfo
