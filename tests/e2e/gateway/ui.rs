//! The web UI in a real browser (written by the UI work; placeholder until then).
