"""Lighthouse (mobile) on sign-in, My learning and a lesson: performance and accessibility
scores, and what the audits that fall short say.

    make bench-lighthouse        # installs Lighthouse into .lighthouse/ with npm, then runs this
    .venv/bin/python bench/lighthouse.py [--port 55473] [--lighthouse PATH] [--min 100]

Serves the app on 127.0.0.1 with one shipped course (as bench/offline_bytes.py), signs a learner
in through the sign-in form and hands Lighthouse the session cookie. Exits 1 below --min."""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from offline_bytes import PASSWORD, prepare  # noqa: E402


def session_cookie(app):
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    form = {"csrf_token": token, "identifier": "ukur@bench.go.id", "password": PASSWORD}
    assert client.post("/login", data=form).status_code == 302
    return client.get_cookie("session").value


def audit(lighthouse, url, cookie, chromium):
    command = [
        lighthouse, url, "--quiet", "--output=json", "--form-factor=mobile",
        "--only-categories=performance,accessibility,best-practices",
        f"--chrome-path={chromium}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]  # fmt: skip
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": f"session={cookie}"}))
    env = dict(os.environ, CHROME_PATH=chromium)
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    report = json.loads(out)
    scores = {k: round(100 * (v["score"] or 0)) for k, v in report["categories"].items()}
    short = [
        f"{a['id']}: {a.get('displayValue') or a['title']}"
        for a in report["audits"].values()
        if a.get("score") is not None
        and a["score"] < 1
        and a["scoreDisplayMode"] in ("binary", "numeric", "metricSavings")
    ]
    return scores, report["finalDisplayedUrl"], short


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=55473)
    parser.add_argument(
        "--lighthouse", default=str(ROOT / ".lighthouse/node_modules/.bin/lighthouse")
    )
    parser.add_argument("--min", type=int, default=100)
    args = parser.parse_args()
    from werkzeug.serving import make_server

    chromium = os.environ.get("ELEARN_CHROMIUM", "/usr/bin/chromium")
    worst = 100
    with tempfile.TemporaryDirectory() as tmp:
        app, lesson = prepare(f"sqlite:///{tmp}/bench.db")
        cookie = session_cookie(app)
        server = make_server("127.0.0.1", args.port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{args.port}"
        try:
            for name, path, who in (("sign-in", "/login", None), ("My learning", "/", cookie),
                                    ("lesson", lesson, cookie)):  # fmt: skip
                scores, final, short = audit(args.lighthouse, base + path, who, chromium)
                if final != base + path:  # e.g. sent to sign in: not the page asked for
                    print(f"{name:12} answered by {final}")
                    worst = 0
                    continue
                worst = min(worst, *scores.values())
                line = "  ".join(f"{k} {v}" for k, v in scores.items())
                print(f"{name:12} {line}")
                for item in short:
                    print(f"{'':12}   {item}")
        finally:
            server.shutdown()
    return 0 if worst >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
