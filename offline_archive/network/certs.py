"""A private, short-lived certificate authority for the archive hosts, made with ``cryptography``.

The CA is name-constrained to the archive's DNS names, lives in a 0700 directory of the user's
cache with 0600 files, and is trusted only through the environment that ``serve`` writes
(``REQUESTS_CA_BUNDLE``/``SSL_CERT_FILE``); it is never added to a system trust store.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .hosts import CERT_HOSTS, PERMITTED_DNS

#: How long a CA lives; ``ensure_tls`` renews it when less than RENEW_BEFORE is left.
CA_LIFETIME = dt.timedelta(days=7)
RENEW_BEFORE = dt.timedelta(days=1)


@dataclass(frozen=True)
class TlsFiles:
    """Paths of the CA certificate (public), the server certificate and the server key."""

    ca_cert: Path
    server_cert: Path
    server_key: Path


def tls_files(directory: Path) -> TlsFiles:
    return TlsFiles(directory / "ca.pem", directory / "server.pem", directory / "server-key.pem")


def _write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only, atomically."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Offline archive (local, not trusted elsewhere)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _make_ca(now: dt.datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("Offline archive local CA")
    constraints = x509.NameConstraints(
        permitted_subtrees=[x509.DNSName(host) for host in PERMITTED_DNS],
        excluded_subtrees=[
            x509.IPAddress(ipaddress.ip_network("0.0.0.0/0")),
            x509.IPAddress(ipaddress.ip_network("::/0")),
        ],
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(constraints, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _make_server_cert(
    ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, now: dt.datetime
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(CERT_HOSTS[0]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(ca_cert.not_valid_after_utc)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(h) for h in CERT_HOSTS]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def needs_renewal(files: TlsFiles, now: dt.datetime | None = None) -> bool:
    """True when a file is missing or readable by others, or the CA expires within ``RENEW_BEFORE``."""
    paths = (files.ca_cert, files.server_cert, files.server_key)
    if not all(p.exists() for p in paths):
        return True
    if any(p.stat().st_mode & 0o077 for p in paths):  # loosened permissions: start afresh
        return True
    now = now or dt.datetime.now(dt.UTC)
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    return ca.not_valid_after_utc - now < RENEW_BEFORE


def ensure_tls(directory: Path) -> TlsFiles:
    """Create (or renew) the CA and the server certificate in a private directory.

    The CA's private key is used once to sign the server certificate and is not kept on disk:
    nothing can later be signed with it.

    Parameters
    ----------
    directory : pathlib.Path
        The TLS directory; created with mode 0700.

    Returns
    -------
    TlsFiles
        Paths of the CA certificate, server certificate and server key (all mode 0600).
    """
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)
    files = tls_files(directory)
    if not needs_renewal(files):
        return files
    now = dt.datetime.now(dt.UTC)
    ca_key, ca_cert = _make_ca(now)
    key, cert = _make_server_cert(ca_key, ca_cert, now)
    _write_private(files.server_key, _pem_key(key))
    _write_private(files.server_cert, cert.public_bytes(serialization.Encoding.PEM))
    _write_private(files.ca_cert, ca_cert.public_bytes(serialization.Encoding.PEM))
    return files
