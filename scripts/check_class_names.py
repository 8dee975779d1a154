#!/usr/bin/python3
"""One class per name across the whole binary: finds classes, structs, unions and enums with
external linkage that are defined in more than one file under the same qualified name.

Two such definitions with different bodies break the one-definition rule. The linker keeps one
copy of each inline member function and silently drops the other, so code compiled against one
class can run the other's body (a Release build usually hides it by inlining). Definitions inside
an anonymous namespace or a function body have no linkage and are left out.

  scripts/check_class_names.py DIR...      (default: include src tests of the source tree)

Prints each duplicate with its files and exits 1 when there is one, 0 otherwise.
"""
import os
import re
import sys

SOURCE_SUFFIXES = (".h", ".hpp", ".cc", ".cpp", ".cc.in", ".h.in")
TOKEN = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|R"([^(\s]*)\(.*?\)\1"|[{};]',
                   re.S)
NAMESPACE = re.compile(r'\bnamespace\s*([\w:]*)\s*(?:\[\[[^\]]*\]\]\s*)?$')
CLASS = re.compile(r'\b(class|struct|union)\s+(?:\[\[[^\]]*\]\]\s*|alignas\s*\([^)]*\)\s*)*'
                   r'([A-Za-z_]\w*)\s*(?:final\s*)?(?::(?!:)[^{]*)?$')
ENUM = re.compile(r'\benum\s+(?:class\s+|struct\s+)?([A-Za-z_]\w*)\s*(?::[^{]*)?$')


def scopes_of(text):
    """Yields (qualified name, line) for each class-like definition with external linkage."""
    text = re.sub(r'^\s*#.*?(?<!\\)$', '', text, flags=re.M | re.S)  # preprocessor lines
    stack = []  # entries: ('namespace', name), ('class', name) or ('block', None)
    prefix_start = 0
    for match in TOKEN.finditer(text):
        token = match.group(0)
        if token.startswith(('//', '/*', '"', "'", 'R"')):
            continue
        if token == '{':
            prefix = re.sub(r'//[^\n]*|/\*.*?\*/', ' ', text[prefix_start:match.start()], flags=re.S)
            prefix = ' '.join(prefix.split())
            entry = ('block', None)
            if (found := NAMESPACE.search(prefix)) is not None:
                entry = ('namespace', found.group(1))
            elif (found := CLASS.search(prefix)) is not None:
                entry = ('class', found.group(2))
            elif (found := ENUM.search(prefix)) is not None:
                entry = ('enum', found.group(1))
            if entry[0] in ('class', 'enum') and all(kind in ('namespace', 'class') and name != ''
                                                     for kind, name in stack):
                yield '::'.join(name for _, name in stack + [entry]), text.count('\n', 0, match.start()) + 1
            stack.append(entry)
        elif token == '}' and stack:
            stack.pop()
        prefix_start = match.end()


def source_files(roots):
    for root in roots:
        for folder, _, names in os.walk(root):
            for name in sorted(names):
                if name.endswith(SOURCE_SUFFIXES):
                    yield os.path.join(folder, name)


def main(argv):
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    roots = argv[1:] or [os.path.join(here, folder) for folder in ("include", "src", "tests")]
    definitions = {}
    for path in source_files(roots):
        with open(path, encoding="utf-8", errors="replace") as source:
            for name, line in scopes_of(source.read()):
                definitions.setdefault(name, {}).setdefault(path, line)
    duplicates = {name: places for name, places in definitions.items() if len(places) > 1}
    for name, places in sorted(duplicates.items()):
        where = ", ".join("%s:%d" % (os.path.relpath(path), line) for path, line in sorted(places.items()))
        print("%s is defined in %d files: %s" % (name, len(places), where))
    print("%d class names checked in %s, %d defined in more than one file"
          % (len(definitions), " ".join(os.path.relpath(root) for root in roots), len(duplicates)))
    return 1 if duplicates else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
