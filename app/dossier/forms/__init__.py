"""Per-section forms of the dossier: the fields shown, and their server-side checks."""
