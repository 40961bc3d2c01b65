"""The hosts the offline archive answers for; every other host is refused."""

#: HTTPS hosts answered through the proxy with the archive's own certificate.
TLS_HOSTS: frozenset[str] = frozenset({"mast.stsci.edu", "exo.mast.stsci.edu"})
#: Plain-HTTP hosts (astroquery's name resolver is reached over http).
HTTP_HOSTS: frozenset[str] = frozenset({"mastresolver.stsci.edu", "mast.stsci.edu"})
#: DNS subtrees the certificate authority may sign for (its name constraints).
PERMITTED_DNS: tuple[str, ...] = ("mast.stsci.edu", "mastresolver.stsci.edu")
#: Every host name in the server certificate.
CERT_HOSTS: tuple[str, ...] = ("mast.stsci.edu", "exo.mast.stsci.edu", "mastresolver.stsci.edu")


def refusal_message(host: str) -> str:
    """The message given for a request to a host the archive does not stand in for."""
    answered = ", ".join(sorted(TLS_HOSTS | HTTP_HOSTS))
    return (
        f"The offline archive does not forward requests: '{host}' is not one of the archive hosts it "
        f"answers for ({answered}). Run this notebook on a machine with a network, without the offline "
        "archive's environment, to reach other services."
    )
