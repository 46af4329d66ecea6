"""The tutor on a local JupyterHub, as a class that already runs one would have it: JupyterHub with
SimpleLocalProcessSpawner, a shared-password login, configurable-http-proxy (npm, installed by
.ci/setup.d/web.sh) and the idle culler, all on 127.0.0.1; the tutor reached at
/user/NAME/tutor/ through jupyter-server-proxy and this package's entry point, in headless chromium.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from browser import BrowserTerminal, launch
from playwright.async_api import async_playwright

pytestmark = pytest.mark.slow

PASSWORD = "class-password-1"
CULL_AFTER = 20  # seconds of inactivity
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tutor_processes(home: Path) -> list[int]:
    """Every tutor process (web server, app, kernel) running with this HOME."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"tutor" in command and f"HOME={home}".encode() in environ:
            found.append(int(entry.name))
    return found


def memory_by_role() -> str:
    """RSS in MB of each kind of process of the class (for docs/jupyterhub.md's sizing)."""
    roles = {"jupyterhub ": "hub", "configurable-http-proxy": "proxy", "jupyterhub-singleuser": "single-user server",
             "tutor web": "tutor web (textual-serve)", "tutor.kernel.server": "kernel", "-m tutor": "app"}
    found: dict[str, list[float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            rss = next(int(line.split()[1]) for line in (entry / "status").read_text().splitlines()
                       if line.startswith("VmRSS"))
        except (OSError, StopIteration):
            continue
        role = next((name for key, name in roles.items() if key in command), None)
        if role:
            found.setdefault(role, []).append(rss / 1024)
    return "; ".join(f"{role}: {', '.join(f'{mb:.0f}' for mb in sorted(mbs))} MB" for role, mbs in found.items())


@pytest.fixture
def hub(tmp_path):
    if shutil.which("configurable-http-proxy") is None:
        pytest.fail("configurable-http-proxy is missing: .ci/setup.d/web.sh installs it from npm")
    port, api_port, hub_port = free_port(), free_port(), free_port()
    config = tmp_path / "jupyterhub_config.py"
    config.write_text(textwrap.dedent(f"""
        c.JupyterHub.ip = "127.0.0.1"
        c.JupyterHub.port = {port}
        c.JupyterHub.hub_ip = "127.0.0.1"
        c.JupyterHub.hub_port = {hub_port}
        c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
        c.JupyterHub.db_url = "sqlite:///{tmp_path}/hub.sqlite"
        c.JupyterHub.cookie_secret_file = "{tmp_path}/cookie_secret"
        c.JupyterHub.authenticator_class = "shared-password"
        c.SharedPasswordAuthenticator.user_password = "{PASSWORD}"
        c.Authenticator.allow_all = True
        c.JupyterHub.spawner_class = "simple"
        c.SimpleLocalProcessSpawner.home_dir_template = "{tmp_path}/home/{{username}}"
        c.Spawner.cmd = ["{VENV_BIN}/jupyterhub-singleuser"]
        c.Spawner.args = ["--allow-root"]  # the test runs as root; a real hub runs real accounts
        c.Spawner.http_timeout = 120  # a class machine's 2 cores may be busy with other tests
        c.Spawner.start_timeout = 120
        c.Spawner.default_url = "/tutor/"
        c.Spawner.environment = {{"JUPYTERHUB_ACTIVITY_INTERVAL": "5", "PATH": "{VENV_BIN}:/usr/bin:/bin"}}
        c.JupyterHub.last_activity_interval = 5
        c.JupyterHub.services = [{{
            "name": "idle-culler",
            "command": ["{sys.executable}", "-m", "jupyterhub_idle_culler",
                        "--timeout={CULL_AFTER}", "--cull-every=5"],
        }}]
        c.JupyterHub.load_roles = [{{
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }}]
    """))
    log = open(tmp_path / "hub.log", "w")
    env = {**os.environ, "PATH": f"{VENV_BIN}:{os.environ['PATH']}"}
    process = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(config)], cwd=tmp_path,
                               stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        if process.poll() is not None:
            pytest.fail(f"jupyterhub exited: {(tmp_path / 'hub.log').read_text()[-3000:]}")
        time.sleep(0.2)
    try:
        yield url, tmp_path
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
        print((tmp_path / "hub.log").read_text()[-2000:])


async def log_in(browser, hub_url: str, name: str) -> BrowserTerminal:
    context = await browser.new_context(viewport={"width": 1000, "height": 640})
    page = await context.new_page()
    tab = BrowserTerminal(page)
    await page.goto(f"{hub_url}/hub/login")
    await page.fill("input[name=username]", name)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("#login_submit")
    # the hub spawns the learner's server, then sends them to its default URL: the tutor
    await page.wait_for_url(f"**/user/{name}/tutor/**", timeout=90_000)
    return tab


async def test_each_learner_gets_their_own_tutor_through_the_hub_and_idle_ones_are_culled(hub):
    hub_url, root = hub
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        alice = await log_in(browser, hub_url, "alice")
        await alice.wait_for("Linear regression from scratch", timeout=90)
        await alice.screenshot("hub-home.png")
        await alice.focus()
        await alice.press("Enter")  # opens the first lesson: progress is saved in alice's home
        await alice.wait_for("step 1 of", timeout=30)

        bob = await log_in(browser, hub_url, "bob")
        await bob.wait_for("Linear regression from scratch", timeout=90)
        assert "Start with" in bob.text()  # bob has none of alice's progress

        alice_home, bob_home = root / "home" / "alice", root / "home" / "bob"
        assert (alice_home / ".local/share/tutor/progress.json").is_file()
        assert not (bob_home / ".local/share/tutor/progress.json").exists()
        assert tutor_processes(alice_home) and tutor_processes(bob_home)

        print(memory_by_role())
        # both tabs stay open and idle: the culler must see no activity (no websocket pings)
        started = time.monotonic()
        deadline = started + CULL_AFTER + 90
        while tutor_processes(bob_home) or tutor_processes(alice_home):
            assert time.monotonic() < deadline, "idle learners' servers were not culled"
            await asyncio.sleep(1)
        print(f"culled and every tutor process gone {time.monotonic() - started:.0f} s after going idle")
        await browser.close()
