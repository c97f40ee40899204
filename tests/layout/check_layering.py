#!/usr/bin/env python3
"""Checks core/'s structure: includes respect the layering of the folders
(common <- scanner <- daemon, cli) and no two modules include each other,
directly or around a loop. A module is a .c file with its .h: foo.c and
foo.h together. Files that share a private header foo_internal.h are one
component, module foo, whatever their names (pending.c and scanner_host.c
include pipeline_procs_internal.h: they are parts of the isolated pipeline);
loops inside a component are its own business, loops between modules are
not. Exits 1 naming every violation."""
import os
import re
import sys

LAYERS = {"common": {"common"}, "scanner": {"common", "scanner"},
          "daemon": {"common", "scanner", "daemon"}, "cli": {"common", "scanner", "cli"}}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z]+)/([A-Za-z0-9_]+)\.h"', re.M)


def internal_of(stem):
    return stem[:-len("_internal")] if stem.endswith("_internal") else None


def components(core):
    """stem -> component, for files that include a private header of their folder."""
    owner = {}
    for folder in LAYERS:
        for name in os.listdir(os.path.join(core, folder)):
            if not name.endswith((".c", ".h")):
                continue
            with open(os.path.join(core, folder, name), encoding="utf-8") as f:
                for dep_folder, dep in INCLUDE.findall(f.read()):
                    if dep_folder == folder and internal_of(dep) and not internal_of(name[:-2]):
                        owner[f"{folder}/{name[:-2]}"] = f"{folder}/{internal_of(dep)}"
    return owner


def main(core):
    edges, errors = {}, []
    owner = components(core)

    def module_of(folder, stem):
        if internal_of(stem):
            return f"{folder}/{internal_of(stem)}"
        return owner.get(f"{folder}/{stem}", f"{folder}/{stem}")

    for folder in sorted(LAYERS):
        for name in sorted(os.listdir(os.path.join(core, folder))):
            if not name.endswith((".c", ".h")):
                continue
            module = module_of(folder, name[:-2])
            with open(os.path.join(core, folder, name), encoding="utf-8") as f:
                text = f.read()
            for dep_folder, dep in INCLUDE.findall(text):
                if dep_folder == "fanguard":
                    continue
                if dep_folder not in LAYERS[folder]:
                    errors.append(f"{folder}/{name} includes {dep_folder}/{dep}.h: "
                                  f"{folder}/ may include only {', '.join(sorted(LAYERS[folder]))}")
                target = module_of(dep_folder, dep)
                if target != module:
                    edges.setdefault(module, set()).add(target)
    # a cycle among modules: depth-first search, reporting each loop once
    state, stack, seen_loops = {}, [], set()

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for d in sorted(edges.get(m, ())):
            if state.get(d) == "open":
                loop = stack[stack.index(d):] + [d]
                key = frozenset(loop)
                if key not in seen_loops:
                    seen_loops.add(key)
                    errors.append("include cycle: " + " -> ".join(loop))
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = "done"

    for m in sorted(edges):
        if m not in state:
            visit(m)
    n_files = sum(len(v) for v in edges.values())
    for e in errors:
        print("FAIL:", e)
    print(f"{len(edges)} modules, {n_files} include edges checked")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "core"))
