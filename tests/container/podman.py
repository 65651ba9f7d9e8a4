"""Rootful podman confined to one work folder: runc, vfs, host network, and nothing left behind."""

from __future__ import annotations

import fcntl
import os
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

#: Podman (4.x, as root) writes its blob-info cache here whatever the storage
#: configuration says; cleanup removes it unless it was there before.
BLOB_INFO_CACHE = Path("/var/lib/containers/cache/blob-info-cache-v1.boltdb")

#: Tools the container layer runs; .ci/container-setup.sh installs them.
TOOLS = ("podman", "runc", "debootstrap", "chroot", "tar")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@contextmanager
def host_lock(timeout: float) -> Iterator[None]:
    """Hold the host-wide lock for container tests, waiting up to `timeout` seconds."""
    # The fixed image always binds port 8003 on the host network, and the
    # blob-info cache is shared, so two test sessions at once would collide.
    path = Path(tempfile.gettempdir()) / "nexus-pm-container-tests.lock"
    with path.open("a") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another test session held {path} for {timeout}s") from None
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _nofile_limit() -> int:
    # The runtime fails to raise RLIMIT_NOFILE above the hard limit (there is no
    # CAP_SYS_RESOURCE here), so the containers' default must stay within it.
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)


def host_ca_bundle() -> Path | None:
    """The CA bundle the host's pip trusts (a TLS-inspecting proxy may sign with it)."""
    for candidate in (
        os.environ.get("PIP_CERT"),
        os.environ.get("SSL_CERT_FILE"),
        "/etc/ssl/certs/ca-certificates.crt",
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@dataclass
class Podman:
    """Runs podman with configuration, storage and state under `work` only."""

    work: Path
    env: dict[str, str] = field(default_factory=dict)
    #: Folders from BLOB_INFO_CACHE upwards that did not exist before we ran.
    created: list[Path] = field(default_factory=list)

    @classmethod
    def create(cls, work: Path) -> Podman:
        work.mkdir(parents=True, exist_ok=True)
        for sub in ("storage", "run", "tmp", "cni"):
            (work / sub).mkdir(exist_ok=True)
        nofile = _nofile_limit()
        # runc and cgroupfs: crun cannot set rlimits here nor use hybrid cgroups.
        # Host networking: the default bridge would leave an interface and
        # iptables chains on the host. The file event log: there is no journald.
        (work / "containers.conf").write_text(
            "[containers]\n"
            'netns = "host"\n'
            f'default_ulimits = ["nofile={nofile}:{nofile}", "nproc=4096:4096"]\n'
            "\n[engine]\n"
            'runtime = "runc"\n'
            'cgroup_manager = "cgroupfs"\n'
            'events_logger = "file"\n'
            f'events_logfile_path = "{work}/events.log"\n'
            f'tmp_dir = "{work}/tmp"\n'
            "\n[network]\n"
            f'network_config_dir = "{work}/cni"\n'
        )
        # vfs: no overlay mounts to leak; it copies layers in full, which is
        # why everything lives under `work` and is deleted afterwards.
        (work / "storage.conf").write_text(
            f'[storage]\ndriver = "vfs"\ngraphroot = "{work}/storage"\nrunroot = "{work}/run"\n'
        )
        env = {
            **os.environ,
            "CONTAINERS_CONF": str(work / "containers.conf"),
            "CONTAINERS_STORAGE_CONF": str(work / "storage.conf"),
        }
        created = [p for p in (BLOB_INFO_CACHE, *BLOB_INFO_CACHE.parents[:2]) if not p.exists()]
        return cls(work, env, created)

    def __call__(
        self, *args: str, timeout: float = 120, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["podman", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"podman {' '.join(args)} exited {result.returncode}\n"
                f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
            )
        return result

    def build_mounts(self) -> list[str]:
        """`-v` options that let pip inside RUN reach the index the way the host does.

        Mounted for the build only: neither the Dockerfile nor the image changes.
        """
        lines = ["[global]"]
        mounts: list[str] = []
        bundle = host_ca_bundle()
        if bundle is not None:
            target = "/etc/ssl/certs/ca-certificates.crt"
            lines.append(f"cert = {target}")
            mounts += ["-v", f"{bundle}:{target}:ro"]
        if os.environ.get("PIP_INDEX_URL"):
            lines.append(f"index-url = {os.environ['PIP_INDEX_URL']}")
        pip_conf = self.work / "pip.conf"
        pip_conf.write_text("\n".join(lines) + "\n")
        return ["-v", f"{pip_conf}:/etc/pip.conf:ro", *mounts]

    def build(self, dockerfile: Path, context: Path, tag: str, log: Path) -> None:
        # --format docker keeps HEALTHCHECK (OCI drops it); --pull=never makes
        # FROM resolve to the local stand-in, since no registry is reachable;
        # --layers=false commits each stage once, where vfs would otherwise
        # store a full copy of the filesystem for every instruction.
        result = self(
            "build",
            "--format", "docker",
            "--pull=never",
            "--layers=false",
            "--network", "host",
            *self.build_mounts(),
            "-f", str(dockerfile),
            "-t", tag,
            str(context),
            timeout=600,
            check=False,
        )  # fmt: skip
        log.write_text(result.stdout + result.stderr)
        assert result.returncode == 0, f"build of {dockerfile.name} failed:\n{log.read_text()}"

    def cleanup(self) -> None:
        """Remove every container and image, then the storage folder itself."""
        try:
            self("rm", "--all", "--force", "--time", "2", check=False, timeout=120)
            self("rmi", "--all", "--force", check=False, timeout=120)
        finally:
            unmount_below(self.work)
            shutil.rmtree(self.work, ignore_errors=True)
            for path in self.created:  # file first, then its folders, innermost first
                if path.is_file():
                    path.unlink()
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()


def unmount_below(folder: Path) -> None:
    # A container killed mid-run can leave its shm mount behind; rmtree would
    # then fail or descend into it. Unmount deepest first.
    prefix = str(folder.resolve()) + "/"
    with open("/proc/self/mountinfo") as mountinfo:
        points = [line.split()[4] for line in mountinfo if line.split()[4].startswith(prefix)]
    for point in sorted(points, key=len, reverse=True):
        subprocess.run(["umount", "-l", point], check=False, capture_output=True)
