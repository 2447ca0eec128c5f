"""Links to a view: the page address plus its URL parameters, and a QR code of it for the room.

The QR code is made by segno (pure Python) as a PNG with a white quiet zone, big enough to be read
from the back of a lecture hall when shown full-width. A page opened as localhost / 127.0.0.1 gives a
link no phone can open, so `room_url` puts the machine's network address in its place (issue 24); the
addresses come from the operating system's interface list (`interface_addresses`), with no network traffic.

Besides a page's own controls, a link may carry `present=1` (presentation mode), `speed=slow|normal|fast` (the
autoplay speed of a step-by-step view) and `play=1` (that view starts playing on load: README, "For lecturers").
"""

from __future__ import annotations

import ipaddress
import io
import re
import socket
import struct
import subprocess
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno

VIRTUAL = ("docker", "br-", "veth", "virbr", "lxc", "podman", "cni", "flannel", "kube", "vmnet", "vboxnet")


def view_url(page_url: str, params: dict[str, str]) -> str:
    """`page_url` (scheme, host, path; any query it had is dropped) with `params` as its query, in the given order.

    >>> view_url("http://localhost:8501/convolution", {"pos": "5", "present": "true"})
    'http://localhost:8501/convolution?pos=5&present=true'
    """
    scheme, netloc, path, _, _ = urlsplit(page_url)
    return urlunsplit((scheme, netloc, path, urlencode(params), ""))


def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of `text` as PNG bytes (black on white, error correction M, 4-module border)."""
    buf = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def is_local(url: str) -> bool:
    """Whether the link's host is this computer only (localhost, 127.x.y.z, ::1, 0.0.0.0).

    >>> is_local("http://127.0.0.1:8501/denoising"), is_local("http://192.168.1.20:8501/")
    (True, False)
    """
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def interface_addresses() -> list[tuple[str, str]]:
    """(interface name, IPv4 address) of this machine's interfaces, read from the operating system: on Linux
    one SIOCGIFADDR ioctl per interface, elsewhere `ifconfig`'s listing. No packet is sent."""
    found = []
    try:
        import fcntl

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for _, name in socket.if_nameindex():
                try:
                    packed = fcntl.ioctl(s.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))  # SIOCGIFADDR
                except OSError:                      # no IPv4 address on this interface
                    continue
                found.append((name, socket.inet_ntoa(packed[20:24])))
    except (ImportError, OSError, AttributeError):
        pass
    if found:
        return found
    try:                                             # macOS and the BSDs
        text = subprocess.run(["ifconfig"], capture_output=True, text=True, timeout=2).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    name = ""
    for line in text.splitlines():
        if line and not line[0].isspace():
            name = line.split(":")[0]
        elif m := re.search(r"\binet (\d+\.\d+\.\d+\.\d+)", line):
            found.append((name, m.group(1)))
    return found


def network_addresses(interfaces: list[tuple[str, str]]) -> list[str]:
    """The IPv4 addresses other machines could reach this one at: loopback, link-local and unset ones left
    out, real interfaces before container bridges, private (home, campus) networks first.

    >>> network_addresses([("lo", "127.0.0.1"), ("docker0", "172.17.0.1"), ("wlan0", "192.168.1.20"),
    ...                    ("eth1", "169.254.3.4")])
    ['192.168.1.20', '172.17.0.1']
    """
    ranked = []
    for name, text in interfaces:
        try:
            address = ipaddress.IPv4Address(text)
        except ValueError:
            continue
        if address.is_loopback or address.is_link_local or address.is_unspecified or address.is_multicast:
            continue
        ranked.append((name.startswith(VIRTUAL), not address.is_private, len(ranked), text))
    return list(dict.fromkeys(text for *_, text in sorted(ranked)))


def on_host(url: str, host: str) -> str:
    """`url` with its host replaced by `host` (the port, path and query kept).

    >>> on_host("http://localhost:8501/denoising?zx=30", "192.168.1.20")
    'http://192.168.1.20:8501/denoising?zx=30'
    """
    parts = urlsplit(url)
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def room_urls(url: str, interfaces: list[tuple[str, str]], bound: str = "") -> list[str]:
    """For a link opened as localhost: the same link at each network address of this machine that the server
    answers on (`bound`: its server.address, "" or 0.0.0.0 for every interface); [] for any other link, or
    when the server listens on this computer only.

    >>> room_urls("http://localhost:8501/", [("wlan0", "10.0.0.7")])
    ['http://10.0.0.7:8501/']
    >>> room_urls("http://localhost:8501/", [("wlan0", "10.0.0.7")], bound="127.0.0.1")
    []
    """
    if not is_local(url):
        return []
    if bound and bound not in ("0.0.0.0", "::"):
        return [] if is_local(f"http://{bound}/") else [on_host(url, bound)]
    return [on_host(url, address) for address in network_addresses(interfaces)]
