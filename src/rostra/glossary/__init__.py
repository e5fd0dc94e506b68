"""Editors' glossary terms: names the program does not hold, spelled per language."""
