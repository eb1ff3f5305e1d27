#!/usr/bin/env python3
"""md2man: docs/man/*.md (pandoc's man-page Markdown, the small part of it those pages use) to
man(7) roff, so `make install` ships real man pages without pandoc.

Handles: the title line `% NAME(SECTION) SOURCE | MANUAL`, `# SECTION` headings, paragraphs,
definition lists (a term line, then `:   definition` with 4-space continuation lines),
**bold**, *italic*, _italic_ and `code` (bold). Anything else is an error, so a page that
grows a construct this does not know fails the build instead of rendering wrongly.

usage: md2man.py PAGE.md [PAGE.N]   (stdout without PAGE.N)
"""
import re
import sys


def inline(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = re.sub(r"`([^`]+)`", r"\\fB\1\\fR", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\\fB\1\\fR", text)
    text = re.sub(r"(?<![\w*\\])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"\\fI\1\\fR", text)
    text = re.sub(r"(?<![\w\\])_(?=\S)(.+?)(?<=\S)_(?!\w)", r"\\fI\1\\fR", text)
    if re.search(r"(?<!\\)\*", text):
        raise ValueError("unmatched * in %r" % text)
    # Non-ASCII characters (e.g. the multiplication sign) as groff's \[uXXXX]: no input encoding to guess.
    return "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in text)


def line(text):
    # A roff control character at the start of an output line would be taken as a request.
    return "\\&" + text if text[:1] in (".", "'") else text


def convert(source, name):
    lines = source.splitlines()
    if not lines or not lines[0].startswith("% "):
        raise ValueError("%s: the first line must be '%% NAME(SECTION) SOURCE | MANUAL'" % name)
    m = re.match(r"% (\S+)\((\w+)\)\s*(.*?)\s*(?:\|\s*(.*))?$", lines[0])
    if not m:
        raise ValueError("%s: bad title line %r" % (name, lines[0]))
    title, section, source_name, manual = m.group(1), m.group(2), m.group(3), m.group(4) or ""
    out = ['.\\" Generated from %s by tools/md2man.py; edit the Markdown.' % name,
           '.TH "%s" "%s" "" "%s" "%s"' % (title, section, source_name, manual)]
    blocks, block = [], []
    for text in lines[1:]:
        if text.strip():
            block.append(text)
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    for block in blocks:
        if block[0].startswith("# "):
            if len(block) != 1:
                raise ValueError("%s: a heading must stand alone: %r" % (name, block))
            out.append(".SH %s" % block[0][2:].strip().upper())
            continue
        starts = [i for i, text in enumerate(block) if text.startswith(":   ")]
        if starts:
            if starts != [starts[0]] or starts[0] == 0:
                raise ValueError("%s: a definition needs one term before one ':   ' line: %r" % (name, block))
            i = starts[0]
            out.append(".TP")
            out.append(line(inline(" ".join(t.strip() for t in block[:i]))))
            for text in block[i:]:
                if text is not block[i] and not text.startswith("    "):
                    raise ValueError("%s: definition continuation lines are indented 4 spaces: %r" % (name, text))
                out.append(line(inline(text[4:].strip())))
            continue
        if any(t.startswith(("#", ":", "-", "|", "```", ">")) for t in block):
            raise ValueError("%s: unsupported Markdown in %r" % (name, block))
        out.append(".PP")
        out.extend(line(inline(t.strip())) for t in block)
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: md2man.py PAGE.md [PAGE.N]")
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            roff = convert(f.read(), sys.argv[1])
        if len(sys.argv) == 3:
            with open(sys.argv[2], "w", encoding="ascii") as f:
                f.write(roff)
        else:
            sys.stdout.write(roff)
    except (OSError, ValueError) as e:
        sys.exit("md2man: %s" % e)


if __name__ == "__main__":
    main()
