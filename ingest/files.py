"""The files a folder ingest reads: supported files under the folder, never a link that leads out of it."""

from __future__ import annotations

import os
from pathlib import Path

from ingest.readers import SUFFIXES

OUTSIDE = "a link to outside the folder: not followed"


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):  # elsewhere, unreadable, or a loop of links
        return False
    return True


def folder_files(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Supported files under `folder`, sorted, and (path, why) for each link skipped because it leads out.

    A link to a file inside the folder is read like the file; linked folders are never walked (their files
    are inside, and reached as themselves, or outside). A folder given is trusted as given, links and all:
    only what lies under it is checked.
    """
    root = folder.resolve()
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for here, dirs, names in os.walk(folder, followlinks=False):
        base = Path(here)
        for name in dirs:
            if (base / name).is_symlink() and not _inside(base / name, root):
                skipped.append((base / name, OUTSIDE))
        for name in names:
            path = base / name
            if path.is_symlink() and not _inside(path, root):
                skipped.append((path, OUTSIDE))
            elif path.suffix.lower() in SUFFIXES and path.is_file():
                files.append(path)
    return sorted(files), sorted(skipped)
