"""The packages of src/missionplace import one way only, down the layers of tests/layers.toml, and never in a circle.

Every import counts, at module level or inside a function: an import moved
into a function to dodge a circle is still a circle.
"""

from missionplace._moved import MOVED
from pathlib import Path
import ast
import pytest
import tomllib


SRC = Path(__file__).parent.parent / "src"
ROOTS = ("missionplace", "missionplace_instance")
TOP = "missionplace"
LAYERS = tomllib.loads(Path(__file__).with_name("layers.toml").read_text())["layers"]
# A package's pages and REST endpoints, whatever the package's own layer.
PAGES = ("browser", "services")
PAGES_LAYER = "pages and services"


def ours(name):
    return any(name == root or name.startswith(f"{root}.") for root in ROOTS)


def find_modules():
    """{dotted name: path} of every Python module of the two packages (a package by its __init__)."""
    found = {}
    for root in ROOTS:
        for path in sorted((SRC / root).rglob("*.py")):
            parts = list(path.relative_to(SRC).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = find_modules()
RANKS = {layer["name"]: rank for rank, layer in enumerate(LAYERS)}
ENTRIES = {entry: layer["name"] for layer in LAYERS for entry in layer["modules"]}


def place(module):
    """(layer name, node) of ``module``; node: the package or module the layers file names, or X.browser/X.services."""
    parts = module.split(".")
    for index, part in enumerate(parts[1:], start=1):
        if part in PAGES:
            return PAGES_LAYER, ".".join(parts[: index + 1])
    # The top package's entry stands for its own __init__ only, never for a package it holds.
    named = [e for e in ENTRIES if module == e or (module.startswith(f"{e}.") and e != TOP)]
    if not named:
        return None, None
    node = max(named, key=len)
    return ENTRIES[node], node


def imports_of(module, path):
    """[(line, imported name)] of every import in ``path``, in functions and classes too."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            origin = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                # ``from package import module`` imports the module.
                wanted = f"{origin}.{alias.name}"
                found.append((node.lineno, wanted if wanted in MODULES or wanted in MOVED else origin))
    return [(line, name) for line, name in found if ours(name)]


def target(name):
    """The module an imported name is: itself, else the module it is an attribute of."""
    while name not in MODULES and "." in name:
        name = name.rpartition(".")[0]
    return name


EDGES = [
    (module, line, target(name), name) for module, path in MODULES.items() for line, name in imports_of(module, path)
]


def where(module, line):
    return f"{MODULES[module].relative_to(SRC.parent)}:{line}"


def find_cycle(graph):
    """A circle of ``graph`` ({node: {node, ...}}) as [a, b, ..., a], or None."""
    state = {}  # node -> "open" while on the path, "done" after
    for start in sorted(graph):
        if start in state:
            continue
        path, stack = [start], [iter(sorted(graph.get(start, ())))]
        state[start] = "open"
        while stack:
            following = next(stack[-1], None)
            if following is None:
                state[path.pop()] = "done"
                stack.pop()
            elif state.get(following) == "open":
                return [*path[path.index(following) :], following]
            elif following not in state:
                state[following] = "open"
                path.append(following)
                stack.append(iter(sorted(graph.get(following, ()))))
    return None


def test_the_layers_file_names_what_exists():
    assert set(RANKS) >= {PAGES_LAYER}
    unknown = [entry for entry in ENTRIES if entry not in MODULES]
    assert unknown == [], "tests/layers.toml names modules that do not exist"


def test_every_module_has_a_layer():
    missing = [module for module in MODULES if place(module)[0] is None]
    assert missing == [], "give these packages a layer in tests/layers.toml"


def test_imports_go_down_the_layers():
    upward = []
    for module, line, imported, _name in EDGES:
        (layer, _node), (other, _other_node) = place(module), place(imported)
        if layer is not None and other is not None and RANKS[other] > RANKS[layer]:
            upward.append(f"{where(module, line)}: {module} ({layer}) imports {imported} ({other})")
    assert upward == [], "\n".join(upward)


def test_no_circle_between_packages():
    graph = {}
    for module, _line, imported, _name in EDGES:
        node, other = place(module)[1], place(imported)[1]
        if node is not None and other is not None and node != other:
            graph.setdefault(node, set()).add(other)
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_no_circle_between_modules():
    graph = {}
    for module, _line, imported, _name in EDGES:
        if imported != module:
            graph.setdefault(module, set()).add(imported)
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_old_names_are_for_stored_data_only():
    """missionplace._moved keeps old dotted names for what existing sites hold; code uses the new ones."""
    old = [
        f"{where(module, line)}: {name}"
        for module, line, _imported, name in EDGES
        if target(name) in MOVED or name in MOVED
    ]
    assert old == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}}, None),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"a"}}, ["a", "a"]),
    ],
)
def test_find_cycle_finds_circles(graph, expected):
    assert find_cycle(graph) == expected
