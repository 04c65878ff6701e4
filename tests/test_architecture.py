"""The package's shape: imports flow one way between stages, and no module imports itself back."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "faqbot"
# Stages in pipeline order: a module may import its own stage and the ones before it.
ORDER = (
    "types", "settings", "textfile", "languages", "question", "ingest", "encoders", "index", "retrieval", "answer",
    "safety", "safety_policy", "intent", "followups", "render", "bot", "eval", "serve", "cli", "__main__", "__init__",
)  # fmt: skip


def _imports() -> dict[str, set[str]]:
    """faqbot module (dotted, relative to the package) -> faqbot modules it imports, anywhere."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        here = parts[:-1] if parts[-1] == "__init__" else parts[:-1] + [parts[-1]]
        package = parts[:-1]
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package[: len(package) - node.level + 1]
                target = base + (node.module.split(".") if node.module else [])
                for alias in node.names:
                    child = target + [alias.name]
                    is_module = (PACKAGE.joinpath(*child).with_suffix(".py")).exists() or (
                        PACKAGE.joinpath(*child).is_dir()
                    )
                    deps.add(".".join(child if is_module else target))
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("faqbot."):
                deps.add(node.module.removeprefix("faqbot."))
        out[".".join(here) or "__init__"] = {d for d in deps if d}
    return out


def _stage(module: str) -> str:
    return module.split(".")[0]


def test_no_stage_imports_a_later_one():
    upward = [
        (module, dep)
        for module, deps in _imports().items()
        for dep in deps
        if _stage(module) != _stage(dep)
        and ORDER.index(_stage(dep)) > ORDER.index(_stage(module))
        # the safety-train command finds the project's data folder through bot.project_root
        and (module, dep) != ("safety.commands", "bot")
    ]
    assert upward == []


def test_rendering_imports_only_the_data_types():
    for module, deps in _imports().items():
        if _stage(module) == "render":
            assert {_stage(d) for d in deps} <= {"render", "types"}, (module, deps)


def test_no_import_cycles():
    graph = _imports()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in done:
            return
        for dep in graph.get(module, ()):
            if dep != module and not module.startswith(dep + "."):  # a package's own __init__
                visit(dep, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())
