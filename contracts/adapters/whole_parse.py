"""Which files parse whole, asked of grimp's compiled parser (a tenth of ``ast``'s time).

``fix`` may parse only the statements it edits in a file known to have no syntax error. The
import graph vouches for the modules it read; the other files ``fix`` rewrites (outside the
graph, or not read by an on-demand graph) are put to the same parser here, each folder as a
stand-in package whose modules are its files. A file the parser cannot take, or one that
cannot stand in for a module (its name is no identifier), is not vouched for: ``fix`` then
parses it whole itself.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from ..domain.errors import UsageError
from .graph_builder import GRIMP_FILE_FAILURES, is_panic, unreadable_file
from .grimp_internals import (
    FoundPackage,
    Module,
    ModuleFile,
    on_demand_reading_available,
    scanner,
)

# The stand-in packages' names (never imported: only their files are read).
_PACKAGE = "_ssot_imports_parsed_{}"


def files_parsing_whole(paths: Iterable[Path]) -> set[Path]:
    """The ``paths`` grimp's parser reads whole, without a syntax error."""
    if not on_demand_reading_available():
        return set()
    by_folder: dict[Path, list[Path]] = defaultdict(list)
    for path in paths:
        stem, suffix = os.path.splitext(path.name)
        if suffix == ".py" and stem.isidentifier() and stem != "__init__":
            by_folder[path.parent].append(path)
    packages = set()
    owner: dict[str, Path] = {}  # stand-in module name -> its file
    for number, (folder, members) in enumerate(sorted(by_folder.items())):
        name = _PACKAGE.format(number)
        files = []
        for path in members:
            files.append(ModuleFile(module=Module(f"{name}.{path.stem}"), mtime=0.0))
            owner[files[-1].module.name] = path
        packages.add(FoundPackage(name=name, directory=str(folder), module_files=frozenset(files)))
    by_location = {path.resolve(): module for module, path in owner.items()}
    pending = [file for package in packages for file in package.module_files]
    while pending:
        try:
            scanner()(
                pending,
                found_packages=packages,
                include_external_packages=False,
                exclude_type_checking_imports=False,
            )
        except GRIMP_FILE_FAILURES as error:
            # The first file it could not take: the others are read again without it.
            try:
                failed, _ = unreadable_file(error, str)
            except UsageError:  # a failure naming no file: nothing is vouched for
                return set()
            module = by_location.get(failed)
            if module is None:
                return set()
            pending = [file for file in pending if file.module.name != module]
            continue
        except BaseException as error:
            if not is_panic(error):
                raise
            return set()
        break
    return {owner[file.module.name] for file in pending}
