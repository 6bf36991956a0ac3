"""Pages of the graduation app, one module per part of the work. Thin: permission, form,
one service or selector. ``graduation/urls.py`` names each view by its module."""
