"""The HTML report as a person sees it: rendered by headless Chromium (Debian's `chromium`) to a
screenshot that is not blank, with its script run and no console errors; and the compliance JSON."""
import json
import pathlib
import shutil
import struct
import subprocess
import zlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "AnalyzerTests" / "Fixtures"
PLANTED = [
    "--authorization-details", str(FIXTURES / "planted" / "authorization-details.json"),
    str(FIXTURES / "clean" / "authorization-details.json"),
    "--credential-report", str(FIXTURES / "planted" / "credential-report.csv"),
    "--password-policy", "111111111111=" + str(FIXTURES / "planted" / "password-policy.json"),
    "--as-of", "2025-06-01T00:00:00Z",
]


@pytest.fixture(scope="module")
def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("chromium is not installed (scripts/test installs Debian's `chromium` package)")
    return path


@pytest.fixture
def html_report(run, tmp_path):
    out = tmp_path / "report.html"
    result = run("analyze", *PLANTED, "--format", "html", "--output", str(out))
    assert result.returncode in (0, 2), result.stderr
    return out


def headless(chromium, *args, timeout=120):
    return subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", *args],
        capture_output=True, text=True, timeout=timeout)


def png_pixels(path):
    """Decodes an 8-bit RGB(A) non-interlaced PNG (what Chromium writes): (width, height, rows)."""
    data = pathlib.Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            channels = 4 if colour == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows, channels


def test_html_report_renders_to_a_non_blank_screenshot(chromium, html_report, tmp_path):
    shot = tmp_path / "report.png"
    result = headless(chromium, f"--screenshot={shot}", "--window-size=1400,2000", html_report.as_uri())
    assert shot.exists(), result.stderr[-2000:]
    width, height, rows, channels = png_pixels(shot)
    assert (width, height) == (1400, 2000)
    # Sample every 8th pixel of every 8th row: a page with text, badges and a header has many colours,
    # and no colour (the background) covers almost all of it.
    counts = {}
    for row in rows[::8]:
        for x in range(0, width * channels, 8 * channels):
            px = row[x:x + 3]
            counts[px] = counts.get(px, 0) + 1
    total = sum(counts.values())
    assert len(counts) > 50, f"only {len(counts)} colours"
    assert max(counts.values()) < 0.9 * total, "one colour covers 90% of the page"


def test_html_report_runs_its_script_without_console_errors(chromium, html_report):
    result = headless(chromium, "--enable-logging=stderr", "--v=0", "--dump-dom", html_report.as_uri())
    dom = result.stdout
    assert "Portcullis IAM report" in dom
    # The filter script ran: it writes how many findings are shown.
    assert " shown</span>" in dom and " of " in dom
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "Uncaught" in line or "Error" in line], console


def test_html_report_is_self_contained(html_report):
    page = html_report.read_text()
    for needle in ("http://", "https://", " src=", "@import"):
        assert needle not in page
    for section in ("findings", "charts", "compliance", "permissions", "escalation"):
        assert f'id="{section}"' in page


def test_compliance_json_gives_each_frameworks_controls_with_status_and_evidence(run):
    result = run("analyze", *PLANTED, "--format", "compliance-json")
    assert result.returncode in (0, 2), result.stderr
    report = json.loads(result.stdout)
    names = [f["framework"] for f in report["frameworks"]]
    assert names == ["SOC 2", "ISO/IEC 27001:2022", "HIPAA Security Rule", "NIST CSF", "CMMC 2.0 Level 2"]
    for framework in report["frameworks"]:
        assert sum(framework["summary"].values()) == len(framework["controls"])
        for control in framework["controls"]:
            assert control["status"] in ("pass", "fail", "not-assessed")
            assert control["evidence"], control["id"]
            if control["status"] == "fail":
                assert control["findings"]
    cmmc = {c["id"]: c for c in report["frameworks"][4]["controls"]}
    assert cmmc["IA.L2-3.5.3"]["status"] == "fail"
    assert any(f["rule"] == "cis.root-no-mfa" for f in cmmc["IA.L2-3.5.3"]["findings"])
