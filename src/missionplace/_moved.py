"""Old dotted names that existing sites' data still holds, for the modules that have moved.

The ZODB finds a pickled object's class by the module it was saved from:
places created before the package move hold ``missionplace.membership.Membership``.
Each old module name below stands in for its new module, lazily (nothing is
imported until the data asks), so such sites keep loading; whatever is saved
again is saved under the new name.  Only names that stored data holds belong
here, not a general compatibility layer for code.
"""

from importlib import import_module
import sys
import types


MOVED = {
    "missionplace.membership": "missionplace.places.membership",
}


class MovedModule(types.ModuleType):
    """The old module: every attribute is the new module's."""

    def __init__(self, old, new):
        super().__init__(old, f"Moved to {new} (see missionplace._moved).")
        self.__moved_to__ = new

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(import_module(self.__moved_to__), name)


def register():
    package = sys.modules["missionplace"]
    for old, new in MOVED.items():
        module = sys.modules.setdefault(old, MovedModule(old, new))
        setattr(package, old.rsplit(".", 1)[1], module)
