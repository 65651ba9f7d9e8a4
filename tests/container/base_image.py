"""A local stand-in for python:3.11-slim, since no registry is reachable: Debian + this CPython."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from .podman import Podman, unmount_below

TAG = "docker.io/library/python:3.11-slim"

# The shared libraries CPython's extension modules link against, plus what
# the official slim image also carries (CA bundle, /etc/services, zoneinfo).
PACKAGES = (
    "libssl3,libffi8,libsqlite3-0,libbz2-1.0,liblzma5,zlib1g,libreadline8,libncursesw6,"
    "libuuid1,libgdbm6,libexpat1,ca-certificates,netbase,tzdata"
)
# The environment and command of the official image (its PATH does list
# /usr/local/bin twice).
CHANGES = (
    "ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "ENV LANG=C.UTF-8",
    'CMD ["python3"]',
)
JUNK = (".pyc", ".pyo", ".a")


def host_codename() -> str:
    # Same Debian release as the host: the copied interpreter was linked here.
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("VERSION_CODENAME="):
            return line.split("=", 1)[1].strip().strip('"')
    raise RuntimeError("no VERSION_CODENAME in /etc/os-release")


def debian_mirror(codename: str) -> str:
    """The archive URI apt already uses for `codename` (override: NEXUS_PM_DEBIAN_MIRROR)."""
    if os.environ.get("NEXUS_PM_DEBIAN_MIRROR"):
        return os.environ["NEXUS_PM_DEBIAN_MIRROR"]
    sources = Path("/etc/apt/sources.list.d")
    for path in sorted(sources.glob("*.sources")):
        for stanza in path.read_text().split("\n\n"):
            fields = {}
            for line in stanza.splitlines():
                if ":" in line and not line.startswith(("#", " ")):
                    key, value = line.split(":", 1)
                    fields[key.strip().lower()] = value.split()
            if fields.get("enabled", ["yes"])[0] == "no" or "deb" not in fields.get("types", []):
                continue
            if codename in fields.get("suites", []) and fields.get("uris"):
                return fields["uris"][0]
    for path in [Path("/etc/apt/sources.list"), *sorted(sources.glob("*.list"))]:
        if not path.is_file():
            continue
        for line in path.read_text().splitlines():
            words = [word for word in line.split() if not word.startswith("[")]
            if len(words) >= 3 and words[0] == "deb" and words[2] == codename:
                return words[1]
    raise RuntimeError(f"no apt source for {codename}; set NEXUS_PM_DEBIAN_MIRROR")


def interpreter_problem() -> str | None:
    """Why this interpreter cannot be copied into the stand-in, or None."""
    if sys.version_info[:2] != (3, 11):
        return f"needs CPython 3.11 to stand in for python:3.11-slim, have {sys.version}"
    if not sysconfig.get_config_var("Py_ENABLE_SHARED"):
        return "needs a CPython built with --enable-shared, so that it can be relocated"
    if not (Path(sys.base_prefix) / "bin" / "python3.11").is_file():
        return f"no bin/python3.11 under {sys.base_prefix}"
    if not (Path(sys.base_prefix) / "lib" / str(sysconfig.get_config_var("INSTSONAME"))).is_file():
        return f"no shared libpython under {sys.base_prefix}/lib"
    return None


def _run(argv: list[str], log: Path, timeout: float) -> None:
    with log.open("a") as sink:
        sink.write(f"$ {' '.join(argv)}\n")
        sink.flush()
        result = subprocess.run(argv, stdout=sink, stderr=subprocess.STDOUT, timeout=timeout)
    assert result.returncode == 0, f"{argv[0]} failed; see {log}:\n{log.read_text()[-4000:]}"


def debootstrap(rootfs: Path, log: Path) -> None:
    codename = host_codename()
    argv = ["debootstrap", "--variant=minbase", "--components=main", f"--include={PACKAGES}"]
    _run([*argv, codename, str(rootfs), debian_mirror(codename)], log, timeout=600)
    # What the slim image leaves out too: about 130 MB less to copy into vfs.
    for pattern in ("var/cache/apt/archives/*.deb", "var/lib/apt/lists/*", "usr/share/doc/*"):
        for path in rootfs.glob(pattern):
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    for folder in ("usr/share/man", "usr/share/locale", "usr/share/info"):
        shutil.rmtree(rootfs / folder, ignore_errors=True)


def add_python(rootfs: Path, log: Path) -> None:
    """Copy this CPython 3.11 into /usr/local, as the official image lays it out."""
    prefix, local = Path(sys.base_prefix), rootfs / "usr" / "local"
    bin_dir, lib_dir = local / "bin", local / "lib"
    shutil.copy2(prefix / "bin" / "python3.11", bin_dir / "python3.11")
    for name in ("python3", "python"):
        (bin_dir / name).symlink_to("python3.11")
    soname = str(sysconfig.get_config_var("INSTSONAME"))
    shutil.copy2(prefix / "lib" / soname, lib_dir / soname)
    (lib_dir / "libpython3.11.so").symlink_to(soname)
    if (prefix / "lib" / "libpython3.so").is_file():
        shutil.copy2(prefix / "lib" / "libpython3.so", lib_dir / "libpython3.so")

    def skip(folder: str, names: list[str]) -> set[str]:
        # What the official image deletes too (test suites, bytecode, static
        # library), plus this interpreter's own third-party packages.
        dropped = {"site-packages"} if Path(folder) == prefix / "lib" / "python3.11" else set()
        for name in names:
            if name in {"test", "tests", "idle_test", "__pycache__"} or name.endswith(JUNK):
                dropped.add(name)
        return dropped

    stdlib = lib_dir / "python3.11"
    shutil.copytree(prefix / "lib" / "python3.11", stdlib, ignore=skip, symlinks=True)
    (stdlib / "site-packages").mkdir()
    if (prefix / "include" / "python3.11").is_dir():
        shutil.copytree(prefix / "include" / "python3.11", local / "include" / "python3.11")
    # Inside the rootfs with a clean environment, so the host's pip settings
    # stay out; ensurepip installs from wheels bundled with the stdlib.
    clean = ["env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/root", "LANG=C.UTF-8"]
    _run(["chroot", str(rootfs), "/sbin/ldconfig"], log, timeout=60)
    ensurepip = ["/usr/local/bin/python3.11", "-m", "ensurepip", "--default-pip"]
    _run(["chroot", str(rootfs), *clean, *ensurepip], log, timeout=300)
    shutil.rmtree(rootfs / "root" / ".cache", ignore_errors=True)


def build_stand_in(podman: Podman, log: Path) -> str:
    """Build the stand-in and tag it as the official image; returns the tag."""
    rootfs = podman.work / "rootfs"
    try:
        debootstrap(rootfs, log)
        add_python(rootfs, log)
        changes = [arg for change in CHANGES for arg in ("--change", change)]
        with subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE) as tar:
            result = subprocess.run(
                ["podman", "import", *changes, "-", TAG],
                stdin=tar.stdout,
                env=podman.env,
                capture_output=True,
                text=True,
                timeout=300,
            )
        assert tar.returncode == 0, "tar of the rootfs failed"
        assert result.returncode == 0, result.stderr
    finally:
        # debootstrap mounts /proc and /sys inside; a failed run may leave them.
        unmount_below(rootfs)
        shutil.rmtree(rootfs, ignore_errors=True)
    return TAG
