"""Charter rule 5, by structure: only the privacy app touches stored contact details.

Phone and address live on ``privacy.ContactDetails``, which no person links
back to.  This guard fails the build if code or a template outside
``kinfolk/privacy/`` reaches for that model or prints a contact field, so
every read goes through ``contact_details_read``, which decides and logs.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import kinfolk

SRC = Path(kinfolk.__file__).parent
ROOT = SRC.parent.parent
PRIVACY = SRC / "privacy"
MODEL = "ContactDetails"
#: ``{{ x.phone }}``, ``{% if x.address %}``, ``{{ form.phone }}``: a contact field in a template.
TEMPLATE_FIELD = re.compile(r"{[{%][^}]*\.(phone|address)\b[^}]*[}%]}")


def _python_files() -> list[Path]:
    files = [*SRC.rglob("*.py"), *(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
    return [p for p in files if PRIVACY not in p.parents and p != Path(__file__)]


def _model_uses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module == "kinfolk.privacy.models":
            found += [f"imports {a.name}" for a in node.names if a.name != "ContactAccessLog"]
        elif isinstance(node, ast.ImportFrom) and node.module == "kinfolk.privacy":
            found += [f"imports kinfolk.privacy.{a.name}" for a in node.names if a.name == "models"]
        elif isinstance(node, ast.Import):
            found += [f"imports {a.name}" for a in node.names if a.name == "kinfolk.privacy.models"]
        elif isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name == MODEL:
                found.append(f"line {node.lineno}: {MODEL}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            # apps.get_model("privacy", "ContactDetails"), raw SQL on its table.
            and "contactdetails" in node.value.lower()
        ):
            found.append(f"line {node.lineno}: {node.value!r}")
    return found


def _template_uses(path: Path) -> list[str]:
    return [m.group(0) for m in TEMPLATE_FIELD.finditer(path.read_text())]


def test_no_code_outside_privacy_touches_the_contact_model():
    offenders = {str(p.relative_to(ROOT)): _model_uses(p) for p in _python_files()}
    offenders = {path: uses for path, uses in offenders.items() if uses}
    assert offenders == {}, (
        "Only kinfolk/privacy/ may use the contact-details model; read contact details "
        f"through kinfolk.privacy.services.contact_details_read instead: {offenders}"
    )


def test_no_template_outside_privacy_names_a_contact_field():
    templates = [p for p in SRC.rglob("templates/**/*.html") if PRIVACY not in p.parents]
    assert len(templates) > 20  # the walk reaches the templates it guards
    offenders = {str(p.relative_to(SRC)): _template_uses(p) for p in templates}
    offenders = {path: uses for path, uses in offenders.items() if uses}
    assert offenders == {}, (
        "Contact details are printed only by privacy/_contact_details.html, from what "
        f"contact_details_read returned: {offenders}"
    )


def test_the_guard_sees_what_it_must_refuse(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from kinfolk.privacy.models import ContactDetails\n"
        "from django.apps import apps\n"
        "apps.get_model('privacy', 'ContactDetails')\n"
        "ContactDetails.objects.all()\n"
    )
    assert len(_model_uses(bad)) == 3
    page = tmp_path / "page.html"
    page.write_text("<p>{{ partner.address }}</p>{% if household.phone %}x{% endif %}")
    assert _template_uses(page) == ["{{ partner.address }}", "{% if household.phone %}"]
