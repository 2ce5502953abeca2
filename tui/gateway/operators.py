"""Which mobile network a Pakistani number's prefix was issued to.

Numbers keep their prefix when ported to another network, so this is the
network that issued the prefix, not necessarily the one serving the number
today; it is shown as such (for a list's make-up), never used to route.
"""

from __future__ import annotations

#: First two digits after the leading 3 of the 3XX prefix -> network name.
_BY_SERIES = {
    "0": "Jazz",
    "1": "Zong",
    "2": "Jazz (Warid)",
    "3": "Ufone",
    "4": "Telenor",
}
_SPECIAL = {"355": "SCOM"}


def prefix(msisdn: str) -> str:
    """The 3-digit mobile prefix of a normalised number (``923001234567`` -> ``300``)."""
    return msisdn[2:5] if msisdn.startswith("92") else msisdn[:3]


def issuing_network(mobile_prefix: str) -> str:
    """The network that issued a 3XX prefix ("Other" when not known)."""
    if mobile_prefix in _SPECIAL:
        return _SPECIAL[mobile_prefix]
    if len(mobile_prefix) == 3 and mobile_prefix.startswith("3"):
        return _BY_SERIES.get(mobile_prefix[1], "Other")
    return "Other"
