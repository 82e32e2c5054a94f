"""Where a webhook may be delivered: public addresses only, whatever their spelling, and the
address checked is the address connected to.

An IPv6 address can carry an IPv4 one (IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible
``::a.b.c.d``, NAT64 ``64:ff9b::a.b.c.d``, 6to4 ``2002:aabb:ccdd::``, Teredo), and then it
reaches whatever the IPv4 address reaches: the embedded address is checked too. A host name is
resolved once, here; the delivery connects to the address that was checked (keeping the name for
the Host header and TLS), so a name that resolves differently a moment later (DNS rebinding)
changes nothing.
"""

import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as ResolveTimeout
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from api.core.config import get_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the IPv4 address is the last 32 bits
# RFC 2765's IPv4-translated addresses, ::ffff:0:a.b.c.d (SIIT): the last 32 bits too.
TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: local use only
RESOLVE_SECONDS = 5.0
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="folio-resolve")
getaddrinfo = socket.getaddrinfo  # the resolver (a test puts a rebinding one in its place)


class Refused(Exception):
    """Why a delivery to a URL is refused."""


@dataclass(frozen=True)
class Target:
    """Where to connect for a webhook URL: its address, checked, and the name it had."""

    url: str  # the URL with the checked address in place of the host name
    host: str  # the Host header: the name (and port) as the URL gave it
    extensions: dict[str, Any] = field(default_factory=dict)  # TLS server name, for https


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, in every form that carries one."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client's address
    if ip in NAT64 or ip in TRANSLATED or int(ip) >> 32 == 0:  # or IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(ip.packed[-4:])
    return None


def why_not_public(ip: IPAddress) -> str | None:
    """None for an address on the public internet; otherwise why it is not one."""
    if ip.version == 6:
        assert isinstance(ip, ipaddress.IPv6Address)
        if ip.scope_id is not None:
            return f"{ip} is a scoped (link-local) address"
        if ip in LOCAL_NAT64:
            return f"{ip} is in the local-use NAT64 range"
        inner = embedded_ipv4(ip)
        if inner is not None and why_not_public(inner) is not None:
            return f"{ip} carries {inner}, which is in a private or reserved range"
    # What an address is, by the ipaddress module's properties, not by its spelling: site-local
    # (fec0::/10, deprecated but still routed inside some networks) counts as private.
    if not ip.is_global or ip.is_multicast or getattr(ip, "is_site_local", False):
        return f"{ip} is in a private or reserved range"
    return None


def resolve(host: str) -> list[IPAddress]:
    """The addresses ``host`` resolves to, in a thread of its own and within a deadline."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    future = _resolver.submit(getaddrinfo, host, None, type=socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=RESOLVE_SECONDS)
    except ResolveTimeout as exc:
        raise Refused(f"{host[:100]} did not resolve within {RESOLVE_SECONDS:g} s") from exc
    except (OSError, UnicodeError) as exc:  # UnicodeError: a label the IDNA codec refuses
        raise Refused(f"{host[:100]} does not resolve") from exc
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Refused(f"{host[:100]} does not resolve")
    return addresses


def target(url: str) -> Target:
    """Where to deliver to ``url``: its host resolved once and every address it has checked
    (unless FOLIO_WEBHOOK_ALLOW_PRIVATE). Raises ``Refused``."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # "http://[" and other URLs urllib cannot split
        raise Refused(f"not a valid URL ({exc})") from exc
    if not host:
        raise Refused("the URL has no host")
    addresses = resolve(host)
    if not get_settings().webhook_allow_private:
        for address in addresses:
            reason = why_not_public(address)
            if reason is not None:
                raise Refused(
                    f"{host[:100]} is not public: {reason} (for a receiver on this machine or"
                    " network, in development, set FOLIO_WEBHOOK_ALLOW_PRIVATE=true)"
                )
    address = addresses[0]
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = literal + (f":{port}" if port is not None else "")
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    return Target(pinned, parts.netloc.rpartition("@")[2], extensions)


def refusal(url: str) -> str | None:
    """Why a delivery to ``url`` would be refused, or None."""
    try:
        target(url)
    except Refused as exc:
        return str(exc)
    return None
