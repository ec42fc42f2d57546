"""Errors that stop a check because its input is wrong, each naming what to correct."""

from __future__ import annotations

from collections.abc import Iterable


class ConfigurationError(Exception):
    """A contract option or value that cannot be right; the run must fail, never pass.

    ``str()`` is one line that names the contract, the option and the value.
    """

    def __init__(self, option: str, value: object, problem: str, contract: str = "") -> None:
        self.option = option
        self.value = value
        self.problem = problem
        self.contract = contract
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"contract '{self.contract}': " if self.contract else ""
        return f"{where}option '{self.option}' = {self.value!r}: {self.problem}"

    def for_contract(self, contract: str) -> ConfigurationError:
        return ConfigurationError(self.option, self.value, self.problem, contract)


class UsageError(Exception):
    """Bad input to the command (file, option, value): one line, exit code 2."""


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for the closest known name, to end an error message; empty
    when nothing is close."""
    import difflib  # (here: imported only when a name is wrong)

    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""
