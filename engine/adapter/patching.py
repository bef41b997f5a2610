"""What every fix of the adapter shares: the moto release they were checked against, and how
a patch reaches the modules that imported the patched name."""

from __future__ import annotations

import sys

import moto

MOTO_VERSION = "5.2.5"


def require_pinned_moto() -> None:
    """Refuse any moto but the one every fix was checked against, before patching anything."""
    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(f"engine/adapter/ is written for moto {MOTO_VERSION}, "
                           f"found {moto.__version__}: re-check every fix before upgrading")


def replace_everywhere(module, name: str, replacement) -> None:
    """Set ``module.name``, and rebind it in the parser modules that imported it by name."""
    original = getattr(module, name)
    setattr(module, name, replacement)
    for module_name, loaded in list(sys.modules.items()):
        if module_name.startswith("moto.stepfunctions.parser") and \
                getattr(loaded, name, None) is original:
            setattr(loaded, name, replacement)
