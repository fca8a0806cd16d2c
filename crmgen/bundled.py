"""Where the bundled templates live, without loading the template engine.

Kept apart from render so that a build with nothing to do can fingerprint the
templates without importing Jinja2 and the Markdown renderer.
"""

from __future__ import annotations

from pathlib import Path

import crmgen

TEMPLATES_DIR = "templates"


def default_templates() -> Path:
    """The bundled templates: inside the installed package, else the source tree's."""
    package = Path(crmgen.__file__).resolve().parent
    installed = package / TEMPLATES_DIR
    return installed if installed.is_dir() else package.parent / TEMPLATES_DIR
