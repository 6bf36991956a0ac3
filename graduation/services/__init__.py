"""Writes of the graduation app, one module per part of the work. Every write goes
through a function in one of them.

Rules that decide *who* may act (``pkh.permissions``) raise ``PermissionDenied`` (the view
answers 403); broken business rules raise ``ValidationError`` and change nothing.
Services read through ``graduation.selectors``; selectors never import services."""
