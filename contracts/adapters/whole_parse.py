"""Which files parse whole, asked of grimp's compiled parser (a tenth of ``ast``'s time).

A check reads a file outside the import graph statement by statement, so a syntax error far
from its imports goes unseen there; ``fix`` may parse only the statements it edits in a file
known to have no syntax error. The import graph vouches for the modules it read; the other
files with a fix (outside the graph, or not read by an on-demand graph) are put to the same
parser here, each folder as a stand-in package whose modules are its files. A file with a
syntax error is named with its diagnostic; one that cannot stand in for a module (its name is
no identifier), or that the parser cannot take for another reason, is neither vouched for nor
named: ``fix`` then parses it whole itself.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from ..domain import rules
from ..domain.errors import UsageError
from ..domain.findings import Diagnostic
from .graph_builder import (
    GRIMP_FILE_FAILURES,
    is_panic,
    quiet_stderr,
    raise_if_interrupted,
    unreadable_file,
)
from .grimp_internals import (
    FoundPackage,
    Module,
    ModuleFile,
    on_demand_reading_available,
    scanner,
)

# The stand-in packages' names (never imported: only their files are read).
_PACKAGE = "_ssot_imports_parsed_{}"


def files_parsing_whole(
    paths: Iterable[Path], display: Callable[[Path], str] = str
) -> tuple[set[Path], dict[Path, Diagnostic]]:
    """The ``paths`` grimp's parser reads whole, without a syntax error; and those with a
    syntax error, with its diagnostic (paths shown by ``display``)."""
    broken: dict[Path, Diagnostic] = {}
    if not on_demand_reading_available():
        return set(), broken
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
            # (A relative import above its stand-in package makes the scanner panic: its
            # message, and stack, would only say that on standard error.)
            with quiet_stderr():
                scanner()(
                    pending,
                    found_packages=packages,
                    include_external_packages=False,
                    exclude_type_checking_imports=False,
                )
        except GRIMP_FILE_FAILURES as error:
            # The first file it could not take: the others are read again without it.
            try:
                failed, diagnostic = unreadable_file(error, str)
            except UsageError:  # a failure naming no file: nothing is vouched for
                return set(), broken
            module = by_location.get(failed)
            if module is None:
                return set(), broken
            if diagnostic.rule == rules.SYNTAX_ERROR:
                path = owner[module]
                broken[path] = Diagnostic(
                    diagnostic.rule, display(path), diagnostic.message, diagnostic.line
                )
            pending = [file for file in pending if file.module.name != module]
            continue
        except BaseException as error:
            if not is_panic(error):
                raise
            raise_if_interrupted(error)
            return set(), broken
        break
    return {owner[file.module.name] for file in pending}, broken
