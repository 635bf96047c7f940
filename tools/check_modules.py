#!/usr/bin/env python3
"""Checks that velo's code follows the module graph declared in lib/meson.build.

usage: check_modules.py LIB_DIR [--drawing FILE]... NAME:USED,USED ...
       (meson passes the graph, bottom-up)

Fails (exit 1) when
  - a folder of LIB_DIR holding code is not a declared module,
  - a module uses a module listed after it (the order is what makes the graph acyclic),
  - a file of module M includes "X/..." where X is another module M does not declare.
  - a drawing (a FILE's lines "layer N   module module ...") misses a module, names one
    twice, or puts a module on a layer not above every module it uses.
Declared uses that no include needs are printed as notes (a link the graph could drop).
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([A-Za-z0-9_]+)/', re.MULTILINE)
CODE = {'.cpp', '.hpp', '.h', '.in'}


LAYER = re.compile(r'^layer (\d+)\s+(.*)$')


def check_drawing(path, uses, problems):
    layers = {}
    for number, line in enumerate(pathlib.Path(path).read_text(encoding='utf-8').splitlines(), 1):
        match = LAYER.match(line.strip())
        if not match:
            continue
        for name in match.group(2).split():
            if name in layers:
                problems.append(f'{path}:{number}: module {name} is drawn twice')
            layers[name] = (int(match.group(1)), number)
    for name in uses:
        if name not in layers:
            problems.append(f'{path}: the module drawing lacks {name}')
    for name, (layer, number) in layers.items():
        if name not in uses:
            problems.append(f'{path}:{number}: {name} is drawn but is not a module')
            continue
        for used in uses[name]:
            if used in layers and layers[used][0] >= layer:
                problems.append(f'{path}:{number}: {name} (layer {layer}) uses {used}, which is drawn on layer '
                                f'{layers[used][0]}; it must be lower')


def main(argv):
    lib = pathlib.Path(argv[1])
    drawings = []
    args = argv[2:]
    while args and args[0] == '--drawing':
        drawings.append(args[1])
        args = args[2:]
    order, uses = [], {}
    for entry in args:
        name, _, used = entry.partition(':')
        order.append(name)
        uses[name] = [u for u in used.split(',') if u]
    problems, notes = [], []
    for name in order:
        for used in uses[name]:
            if used not in order[:order.index(name)]:
                problems.append(f'lib/meson.build: {name} uses {used}, which is not listed before it')
    for folder in sorted(p for p in lib.iterdir() if p.is_dir()):
        has_code = any(f.suffix in CODE for f in folder.rglob('*'))
        if has_code and folder.name not in uses:
            problems.append(f'lib/{folder.name}/ holds code but is not a module in lib/meson.build')
    for name in order:
        needed = set()
        for path in sorted((lib / name).rglob('*')):
            if path.suffix not in CODE:
                continue
            text = path.read_text(encoding='utf-8', errors='replace')
            for match in INCLUDE.finditer(text):
                target = match.group(1)
                if target == name or target not in uses:
                    continue
                needed.add(target)
                if target not in uses[name]:
                    line = text.count('\n', 0, match.start()) + 1
                    problems.append(f'{path.relative_to(lib.parent)}:{line}: module {name} includes {target}/, '
                                    f'which lib/meson.build does not let it use')
        for unused in sorted(set(uses[name]) - needed):
            notes.append(f'note: {name} declares {unused} but includes nothing from it')
    for drawing in drawings:
        check_drawing(drawing, uses, problems)
    for note in notes:
        print(note)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f'{len(order)} modules, {sum(len(u) for u in uses.values())} declared uses, {len(problems)} problem(s)')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
