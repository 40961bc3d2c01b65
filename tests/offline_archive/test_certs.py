"""The local certificate authority: private, short-lived, name-constrained."""

from __future__ import annotations

import datetime as dt
import stat

from cryptography import x509

from offline_archive.certs import CA_LIFETIME, ensure_tls, needs_renewal
from offline_archive.hosts import CERT_HOSTS


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
