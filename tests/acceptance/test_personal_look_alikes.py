"""Look-alikes of personal data in real pages build strictly in the audit edition, and what
redaction leaves in the search index is no address to the gate."""

from __future__ import annotations

from pathlib import Path

from conftest import build, make_project, run_cli

RUNBOOK = """# Runbook

Clone the service with `git clone git@github.com:acme/payments-api.git`, then
`ssh ec2-user@bastion.eu-west-1.compute.amazonaws.com` and run
`systemctl restart wg-quick@wg0.service postgresql@14-main.service`.

![The dashboard](img/dashboard@2x.png)

| Check | Value |
| --- | --- |
| Timeouts | 250 500 1000 ms |
| Buffers | 256 512 1024 MiB |
| Started | 05/03/2026 14:05 |
| Agent | Chrome/122.0.0.0 |
| Netmask | 255.255.255.0 |
| Metadata | 169.254.169.254 |
| Control | PCI DSS 10.2.1.2, CIS Benchmark 1.1.1.1 |
| Test card | 4242 4242 4242 4242 |
| Fiction | (415) 555-0142 |
"""


def test_look_alikes_of_personal_data_build_strictly_and_pass_scan(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {"index.md": RUNBOOK, "img/dashboard@2x.png": b"\x89PNG\r\n\x1a\n"},
        {"publish": {"audience": "audit", "allowed_assets": ["png"]}},
    )
    result = build(config)
    assert (result.returncode, result.warnings()) == (0, []), result.log
    assert 'src="img/dashboard%402x.png"' in result.page("index.html")
    assert (result.site / "img" / "dashboard@2x.png").is_file()
    scan = run_cli("scan", str(result.site), "--config", str(config))
    assert (scan.exit_code, scan.output) == (0, "0 errors, 0 warnings\n")


def test_a_redacted_connection_string_leaves_no_address_in_the_search_index(
    tmp_path: Path,
) -> None:
    page = "# Reports\n\nConnect with `postgres://report:Xq7vB2pL9w@db.acmecorp.io/reports`.\n"
    config = make_project(tmp_path, {"index.md": page}, {"publish": {"audience": "audit"}})
    result = build(config, strict=False)
    assert result.returncode == 0, result.log
    index = (result.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "\\u27e7@db.acmecorp.io" in index
    scan = run_cli("scan", str(result.site), "--config", str(config))
    assert (scan.exit_code, scan.output) == (0, "0 errors, 0 warnings\n")
