"""A small, safe XML reader: elements with their line numbers, and no DTDs or entities at all.

Why not ``xml.etree``: it keeps no line numbers, and it expands entities declared in a DTD (the
"billion laughs" and external-entity attacks defusedxml guards against). A program file has no
reason to carry a DTD, so any ``<!DOCTYPE`` or entity declaration is refused outright.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat


class XMLRefused(ValueError):
    """The XML is malformed or uses a feature we refuse; ``line`` is where."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass
class Element:
    tag: str
    attrib: dict[str, str]
    line: int
    children: list["Element"] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text directly inside this element (not inside its children)."""
        return "".join(self.parts)

    def find(self, tag: str) -> "Element | None":
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def findall(self, tag: str) -> list["Element"]:
        return [child for child in self.children if child.tag == tag]

    def findtext(self, tag: str, default: str = "") -> str:
        child = self.find(tag)
        return child.text if child is not None else default


def parse_xml(data: bytes) -> Element:
    """Parse ``data`` into :class:`Element` objects; raise :class:`XMLRefused` with a line."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Element] = []
    roots: list[Element] = []

    def refuse(reason: str):
        raise XMLRefused(parser.CurrentLineNumber, reason)

    def start(tag, attrib):
        element = Element(tag, attrib, parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)

    def end(tag):
        stack.pop()

    def characters(text):
        if stack:
            stack[-1].parts.append(text)

    def doctype(*_args):
        refuse("the file declares a DTD (<!DOCTYPE …>); program files must not, "
               "as DTD entities can expand without limit")

    def entity(*_args):
        refuse("the file declares an entity; program files must not")

    def external(*_args):
        refuse("the file refers to an external entity; program files must not")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = external
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code)
        if exc.code in (expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS],
                        expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN]) or (
                exc.lineno >= data.count(b"\n") and stack):
            reason += " (the file ends too early: is it truncated?)"
        raise XMLRefused(exc.lineno, f"not well-formed XML: {reason}, column {exc.offset + 1}") \
            from None
    if not roots:
        raise XMLRefused(1, "the XML has no elements")
    return roots[0]
