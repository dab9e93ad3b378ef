"""Loads the C++ core, after the exact pyarrow whose Arrow C++ libraries it links."""

import ctypes
import os

import pyarrow

# The Arrow C++ build the core was compiled against (scripts/requirements/pyarrow.txt).
PYARROW_PIN = "26.0.1"

if pyarrow.__version__ != PYARROW_PIN:
    raise ImportError(
        f"deltacpp needs pyarrow=={PYARROW_PIN} (its C++ core links that build of Arrow), "
        f"but pyarrow {pyarrow.__version__} is installed"
    )


def _preload_arrow_libraries() -> None:
    # pyarrow loads only libarrow by itself. Loading the others by full path lets the
    # dynamic linker resolve _core's dependencies by soname in any install layout
    # (a wheel, an editable build, pip --target, the build tree).
    folder = pyarrow.get_library_dirs()[0]
    soname = pyarrow.cpp_build_info.so_version
    for stem in ("arrow", "arrow_compute", "arrow_acero", "arrow_dataset", "parquet"):
        path = os.path.join(folder, f"lib{stem}.so.{soname}")
        if os.path.exists(path):
            ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)


_preload_arrow_libraries()

from deltacpp import _core  # noqa: E402  (after the libraries it needs)

__all__ = ["_core"]
