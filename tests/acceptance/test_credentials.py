"""Credentials that no token prefix marks (password hashes, credential files, chosen
passwords, presigned URLs) and IPv6 addresses leave no byte in an audit site; their
documented look-alikes build strictly."""

from __future__ import annotations

from pathlib import Path

from conftest import build, make_project, run_cli

NOTES = """# Incident notes

The proxy's users file held `ops:$apr1$Qx7mT2rz$8yXc1bM0o4vZpWq3nE5sK/`, and the Compose label
`basicauth.users=ops:$$2y$$05$$ChsVYFWoLO7YbNnRZSS2IeLcKzL1jgfdOdCfyhtz4tcPOvmTkQYPy`.

The app's `~/.pgpass`:

```
db.prod.acmecorp.io:5432:payments:app:Tq8vLm2RxZ4s
```

The origin 2606:4700:3033::6815:3e1 and the mesh host fd12:3456:789a:1::42 answered.

The new root password: Winter2026! was set during the incident.

The backup: <https://backups.s3.amazonaws.com/db.bak?X-Amz-Expires=3600&X-Amz-Signature=3f1c9a7e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a>
"""
VALUES = (
    "Qx7mT2rz$8yXc1bM0o4vZpWq3nE5sK",
    "ChsVYFWoLO7YbNnRZSS2IeLcKzL1jgfdOdCfyhtz4tcPOvmTkQYPy",
    "Tq8vLm2RxZ4s",
    "6815:3e1",
    "789a:1::42",
    "Winter2026",
    "3f1c9a7e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a",
)

LOOK_ALIKES = """# Setting up the proxy

Traefik's own example user is `test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/`; a `.pgpass` line
reads `hostname:port:database:username:password`, and a bcrypt hash starts `$2b$12$`.

Test from 2001:db8::1; the resolvers 2606:4700:4700::1111 and 2001:4860:4860::8888 answer;
fe80::1 is link-local and the block 2600:1f18::/32 is a network. At 2026:11:26 `std::vector`.

Never write `password: P@ssw0rd1!` or `password: ${DB_PASSWORD}` in a runbook.
"""


def test_unmarked_credentials_and_ipv6_addresses_leave_no_byte_in_the_audit_site(
    tmp_path: Path,
) -> None:
    config = make_project(tmp_path, {"index.md": NOTES}, {"publish": {"audience": "audit"}})
    result = build(config)
    assert (result.returncode, result.warnings()) == (0, []), result.log
    redacted = [line for line in result.log.splitlines() if "evidence: docs/index.md:" in line]
    rules = [line.split(": ")[2] for line in redacted]
    assert rules == [
        "redacted-password-hash",
        "redacted-password-hash",
        "redacted-password-file",
        "redacted-ip-address",
        "redacted-private-ip",
        "redacted-password",
        "redacted-signed-url",
    ]
    for path in result.site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert [v for v in VALUES if v.encode() in data] == [], path
    scan = run_cli("scan", str(result.site), "--config", str(config))
    assert (scan.exit_code, scan.output) == (0, "0 errors, 0 warnings\n")


def test_documented_look_alikes_of_credentials_and_ipv6_addresses_build_strictly(
    tmp_path: Path,
) -> None:
    config = make_project(tmp_path, {"index.md": LOOK_ALIKES}, {"publish": {"audience": "audit"}})
    result = build(config)
    assert (result.returncode, result.warnings()) == (0, []), result.log
    assert "redacted-" not in result.log
    assert "IgXLP6ewTrSuBkTrqE8wj/" in result.page("index.html")
    scan = run_cli("scan", str(result.site), "--config", str(config))
    assert (scan.exit_code, scan.output) == (0, "0 errors, 0 warnings\n")
