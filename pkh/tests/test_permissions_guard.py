"""A guard: action rules live in ``pkh/permissions.py``, not inline.

Fails when non-test code compares a user's role (``x.role == ...``, ``!=``, ``in``,
``not in``, also through ``getattr(x, "role")``) or repeats the owner check
(``household.facilitator_id == user.pk``) outside the places that own those rules.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "regions",
    "accounts",
    "households",
    "assistance",
    "fds_sessions",
    "commitments",
    "imports",
    "reports",
    "graduation",
    "corrections",
    "home",
    "notifications",
    "complaints",
    "pkh",
)

# Where role comparisons belong.
HOMES = {
    "pkh/permissions.py",  # the action rules
    "pkh/scoping.py",  # what a user may see
    "accounts/models.py",  # the Role choices and their properties
}
# Selectors scope querysets by role (what a user may see): that is scoping, not an action.
# A selectors module or any module of a selectors package.
HOME_NAMES = {"selectors.py"}
HOME_PACKAGES = {"selectors"}

# Known exceptions, each with its reason. Shrink this list; do not grow it.
ALLOWED: dict[str, str] = {}

EQUALITY = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)
USER_NAMES = {"user", "by"}


def _is_role(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "role":
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value == "role"
    )


def _is_user_pk(node: ast.AST) -> bool:
    if not (isinstance(node, ast.Attribute) and node.attr == "pk"):
        return False
    owner = node.value
    if isinstance(owner, ast.Name):
        return owner.id in USER_NAMES
    return isinstance(owner, ast.Attribute) and owner.attr == "user"


def findings(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare) or not all(isinstance(o, EQUALITY) for o in node.ops):
            continue
        operands = [node.left, *node.comparators]
        if any(_is_role(o) for o in operands):
            found.append((node.lineno, "role comparison"))
        elif any(
            isinstance(o, ast.Attribute) and o.attr == "facilitator_id" for o in operands
        ) and any(_is_user_pk(o) for o in operands):
            found.append((node.lineno, "owner check"))
    return found


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/tests/" in rel or "/migrations/" in rel:
                continue
            if (
                rel in HOMES
                or path.name in HOME_NAMES
                or path.parent.name in HOME_PACKAGES
                or rel in ALLOWED
            ):
                continue
            yield rel, path.read_text(encoding="utf-8")


def test_no_inline_role_or_owner_checks():
    offenders = [
        f"{rel}:{line}: {what}" for rel, source in _sources() for line, what in findings(source)
    ]
    assert not offenders, (
        "Name the rule in pkh/permissions.py (may_..., is_owner, a role set) and call it:\n"
        + "\n".join(offenders)
    )


def test_the_allow_list_is_still_needed():
    for rel in ALLOWED:
        path = ROOT / rel
        assert path.exists() and findings(path.read_text(encoding="utf-8")), (
            f"{rel} no longer needs its exception: drop it from ALLOWED"
        )


def test_the_scan_sees_each_form():
    source = """
if user.role == Role.ADMIN: pass
if by.role != Role.FACILITATOR: pass
if request.user.role in (Role.SUPERVISOR, Role.ADMIN): pass
if getattr(user, "role", None) not in LEADS: pass
if household.facilitator_id == request.user.pk: pass
if group.facilitator_id != by.pk: pass
"""
    assert [line for line, _what in findings(source)] == [2, 3, 4, 5, 6, 7]


def test_the_scan_leaves_other_comparisons_alone():
    source = """
if role != Role.SUPERVISOR: pass
rows = [h for h in rows if h.facilitator_id != to_facilitator.pk]
User.objects.filter(role=Role.FACILITATOR)
"""
    assert findings(source) == []
