"""The Python package's build: setuptools' build_ext runs the project's CMake
(-DZEEKGRAPH_PYTHON=ON, Release) in build-python/ and installs the module
zeekgraph._core it makes next to python/zeekgraph/*.py. The tree is kept, so
a second install rebuilds only what changed. Needs what the CLI needs
(scripts/install-deps.sh) plus python3-dev and pybind11-dev.

    python3 -m venv --system-site-packages .venv
    .venv/bin/pip install --no-build-isolation --no-index .
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
BUILD = Path(os.environ.get("ZEEKGRAPH_PYTHON_BUILD_DIR", ROOT / "build-python"))


class cmake_extension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class cmake_build_ext(build_ext):
    def build_extension(self, ext):
        configure = ["cmake", "-S", str(ROOT), "-B", str(BUILD), "-DCMAKE_BUILD_TYPE=Release",
                     "-DZEEKGRAPH_PYTHON=ON", f"-DPython_EXECUTABLE={sys.executable}"]
        if not (BUILD / "CMakeCache.txt").exists() and shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        subprocess.run(configure, check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
        subprocess.run(["cmake", "--build", str(BUILD), "--target", "zeekgraph_python", "-j", jobs], check=True)
        built = BUILD / "python" / self.get_ext_filename(ext.name)
        dest = Path(self.get_ext_fullpath(ext.name))
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, dest)


# setuptools' own scratch (build/, *.egg-info) goes under build-python/, not
# into build/ (the CLI's CMake tree) or python/.
(BUILD / "setuptools").mkdir(parents=True, exist_ok=True)
setup(ext_modules=[cmake_extension("zeekgraph._core")], cmdclass={"build_ext": cmake_build_ext},
      options={"build": {"build_base": str(BUILD / "setuptools")}, "egg_info": {"egg_base": str(BUILD)}})
