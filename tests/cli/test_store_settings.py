"""A store that is misconfigured is refused at start in one line, not with a traceback later."""

import os
import subprocess
import sys
from pathlib import Path


def test_serve_with_s3_but_no_keys_is_one_line_and_exit_6(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env.update({"SOHOA_DATA_DIR": str(tmp_path / "data"), "SOHOA_OBJECT_STORE": "s3"})
    run = subprocess.run(
        [sys.executable, "-m", "cli.main", "serve", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert run.returncode == 6, run.stderr
    assert run.stderr.count("\n") == 1 and "[store_unavailable]" in run.stderr
    assert "SOHOA_S3_ACCESS_KEY" in run.stderr  # the operator is told what to set
    assert "Traceback" not in run.stderr
