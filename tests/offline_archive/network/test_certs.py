"""The local certificate authority: private, short-lived, name-constrained."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import socket
import ssl
import stat
from pathlib import Path

import certifi
import platformdirs
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import DNSName, PolicyBuilder, Store, VerificationError

from offline_archive.network.certs import CA_LIFETIME, _make_ca, ensure_tls, needs_renewal
from offline_archive.network.hosts import CERT_HOSTS, HTTP_HOSTS, PERMITTED_DNS, TLS_HOSTS
from offline_archive.paths import archive_root, tls_dir


def test_files_and_directory_are_private(tmp_path) -> None:
    files = ensure_tls(tmp_path / "tls")
    assert stat.S_IMODE((tmp_path / "tls").stat().st_mode) == 0o700
    for path in (files.ca_cert, files.server_cert, files.server_key):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list((tmp_path / "tls").glob("*ca*key*")), "the CA's private key is not kept"


def test_ca_is_name_constrained_and_short_lived(tmp_path) -> None:
    files = ensure_tls(tmp_path / "tls")
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    constraints = ca.extensions.get_extension_for_class(x509.NameConstraints)
    assert constraints.critical
    permitted = {n.value for n in constraints.value.permitted_subtrees}
    assert permitted and all(
        host.endswith(("mast.stsci.edu", "mastresolver.stsci.edu")) for host in permitted
    )
    assert ca.not_valid_after_utc - ca.not_valid_before_utc <= CA_LIFETIME + dt.timedelta(minutes=10)


def test_server_certificate_names_the_archive_hosts(tmp_path) -> None:
    files = ensure_tls(tmp_path / "tls")
    cert = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(names.get_values_for_type(x509.DNSName)) == set(CERT_HOSTS)


def test_renewal_only_when_missing_or_expiring(tmp_path) -> None:
    files = ensure_tls(tmp_path / "tls")
    first = files.ca_cert.read_bytes()
    assert ensure_tls(tmp_path / "tls").ca_cert.read_bytes() == first, "a valid CA is reused"
    later = dt.datetime.now(dt.UTC) + CA_LIFETIME
    assert needs_renewal(files, now=later)
    files.server_key.unlink()
    assert ensure_tls(tmp_path / "tls").ca_cert.read_bytes() != first


# --------------------------------------------------------------------------------------------
# What the constraints and the private storage mean in practice
# --------------------------------------------------------------------------------------------


def _leaf_for(host: str, ca_key, ca_cert, now):
    """A server certificate for ``host``, signed by a CA made like the archive's (its key kept here)."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def _pem(obj) -> bytes:
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _handshake(tmp_path, ca_cert, leaf_key, leaf_cert, server_hostname: str) -> None:
    """A TLS handshake in memory: OpenSSL (as requests uses it) verifying ``leaf_cert`` against the CA."""
    (tmp_path / "leaf.pem").write_bytes(_pem(leaf_cert))
    (tmp_path / "leaf-key.pem").write_bytes(_pem(leaf_key))
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf-key.pem")
    client_ctx = ssl.create_default_context(cadata=_pem(ca_cert).decode())
    c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    client = client_ctx.wrap_bio(c_in, c_out, server_hostname=server_hostname)
    server = server_ctx.wrap_bio(s_in, s_out, server_side=True)
    for _ in range(10):
        for side in (client, server):
            try:
                side.do_handshake()
            except ssl.SSLWantReadError:
                pass
        s_in.write(c_out.read())
        c_in.write(s_out.read())
    client.do_handshake()  # raises if verification failed; returns once both sides are done


@pytest.mark.parametrize(
    "host", ["example.com", "pypi.org", "evil-mast.stsci.edu.example", "stsci.edu", "archive.stsci.edu"]
)
def test_the_name_constraints_stop_a_certificate_for_any_other_host(tmp_path, host):
    now = dt.datetime.now(dt.UTC)
    ca_key, ca_cert = _make_ca(now)
    key, cert = _leaf_for(host, ca_key, ca_cert, now)
    with pytest.raises(ssl.SSLCertVerificationError, match=r"(?i)name constraint|permitted"):
        _handshake(tmp_path, ca_cert, key, cert, host)
    verifier = PolicyBuilder().store(Store([ca_cert])).time(now).build_server_verifier(DNSName(host))
    with pytest.raises(VerificationError):
        verifier.verify(cert, [])


def test_the_same_ca_signs_for_an_archive_host(tmp_path):
    """The control for the test above: a certificate within the constraints is accepted."""
    now = dt.datetime.now(dt.UTC)
    ca_key, ca_cert = _make_ca(now)
    key, cert = _leaf_for("mast.stsci.edu", ca_key, ca_cert, now)
    _handshake(tmp_path, ca_cert, key, cert, "mast.stsci.edu")


def test_the_ca_excludes_ip_addresses_and_cannot_make_sub_cas(tmp_path) -> None:
    ca = x509.load_pem_x509_certificate(ensure_tls(tmp_path / "tls").ca_cert.read_bytes())
    constraints = ca.extensions.get_extension_for_class(x509.NameConstraints).value
    excluded = {str(n.value) for n in constraints.excluded_subtrees}
    assert excluded == {"0.0.0.0/0", "::/0"}
    assert {n.value for n in constraints.permitted_subtrees} == set(PERMITTED_DNS)
    basic = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca and basic.value.path_length == 0


def test_the_server_certificate_is_a_leaf_for_the_archive_hosts_only(tmp_path) -> None:
    files = ensure_tls(tmp_path / "tls")
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    cert = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.IPAddress) == [], "no IP address is certified"
    assert all(h in TLS_HOSTS | HTTP_HOSTS for h in names.get_values_for_type(x509.DNSName))
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
        ExtendedKeyUsageOID.SERVER_AUTH
    ]
    assert cert.not_valid_after_utc <= ca.not_valid_after_utc


def test_no_file_holds_the_ca_private_key(tmp_path) -> None:
    files = ensure_tls(tmp_path / "tls")
    ca_public = x509.load_pem_x509_certificate(files.ca_cert.read_bytes()).public_key()
    for path in (tmp_path / "tls").iterdir():
        if b"PRIVATE KEY" in path.read_bytes():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            assert key.public_key() != ca_public, f"{path.name} holds the CA's key"


def test_loosened_permissions_make_a_fresh_private_set(tmp_path) -> None:
    files = ensure_tls(tmp_path / "tls")
    first = files.ca_cert.read_bytes()
    os.chmod(files.server_key, 0o644)
    assert needs_renewal(files)
    ensure_tls(tmp_path / "tls")
    assert stat.S_IMODE(files.server_key.stat().st_mode) == 0o600
    assert files.ca_cert.read_bytes() != first


def test_the_ca_lives_in_the_users_cache_by_default(monkeypatch) -> None:
    monkeypatch.delenv("OFFLINE_ARCHIVE_DIR", raising=False)
    cache = Path(platformdirs.user_cache_dir()).resolve()
    assert tls_dir(archive_root()).resolve().is_relative_to(cache)


def _trust_store_snapshot() -> dict[str, str]:
    """Digests of certifi's bundle and of every file under /etc/ssl (the system trust store)."""
    snapshot = {}
    paths = [Path(certifi.where())] + [p for p in Path("/etc/ssl").rglob("*") if p.is_file()]
    for path in paths:
        try:
            snapshot[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        except PermissionError:
            snapshot[str(path)] = "unreadable"
    return snapshot


def _system_trust() -> list[bytes]:
    """The certificates OpenSSL's built-in locations and certifi trust (ignoring SSL_CERT_FILE and the like)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    paths = ssl.get_default_verify_paths()
    if paths.openssl_cafile and Path(paths.openssl_cafile).exists():
        context.load_verify_locations(cafile=paths.openssl_cafile)
    context.load_verify_locations(cafile=certifi.where())
    trusted = context.get_ca_certs(binary_form=True)
    if paths.openssl_capath and Path(paths.openssl_capath).is_dir():  # hashed directory: read its files
        for path in Path(paths.openssl_capath).iterdir():
            try:
                trusted.append(ssl.PEM_cert_to_DER_cert(path.read_text()))
            except (ValueError, OSError, UnicodeDecodeError):
                continue
    return trusted


def test_making_a_ca_leaves_every_trust_store_alone(tmp_path) -> None:
    before = _trust_store_snapshot()
    files = ensure_tls(tmp_path / "tls")
    assert _trust_store_snapshot() == before
    ca_der = x509.load_pem_x509_certificate(files.ca_cert.read_bytes()).public_bytes(
        serialization.Encoding.DER
    )
    assert ca_der not in _system_trust()


@pytest.mark.archive
def test_the_running_archive_is_trusted_only_through_its_environment(archive_env) -> None:
    """Without the archive's CA bundle, its TLS server is not trusted; with it, only for archive hosts."""
    ca_path = Path(archive_env["REQUESTS_CA_BUNDLE"])
    assert ca_path.resolve().is_relative_to(tls_dir(archive_root()).resolve())
    assert archive_env["SSL_CERT_FILE"] == archive_env["REQUESTS_CA_BUNDLE"]
    ca_der = x509.load_pem_x509_certificate(ca_path.read_bytes()).public_bytes(serialization.Encoding.DER)
    assert ca_der not in _system_trust()
    assert ca_path.read_bytes().strip() not in Path(certifi.where()).read_bytes()

    proxy_port = int(archive_env["HTTPS_PROXY"].rsplit(":", 1)[1])

    def tunnel(host: str) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", proxy_port), timeout=10)
        sock.sendall(f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
        return sock

    with tunnel("example.com") as sock:  # the proxy refuses to open a tunnel to any other host
        assert sock.recv(4096).startswith(b"HTTP/1.1 403")
    for context, hostname in (
        (ssl.create_default_context(cafile=certifi.where()), "mast.stsci.edu"),
        (ssl.create_default_context(cafile=str(ca_path)), "example.com"),
    ):
        with tunnel("mast.stsci.edu") as sock:
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
            with pytest.raises(ssl.SSLCertVerificationError):
                context.wrap_socket(sock, server_hostname=hostname)
    with tunnel("mast.stsci.edu") as sock:  # the control: the archive's CA, an archive host
        sock.recv(4096)
        with ssl.create_default_context(cafile=str(ca_path)).wrap_socket(
            sock, server_hostname="mast.stsci.edu"
        ):
            pass
