#!/usr/bin/env python3
# Copyright 2026 The vllm-to-sglang Authors.
# Licensed under the Apache License, Version 2.0.
"""Write the catalog of an SGLang release's server flags, as webhook/sglang reads it.

Run it where that SGLang release is installed, e.g. in its image:

    docker run --rm --entrypoint python3 lmsysorg/sglang:v0.5.10-rocm700-mi30x - \
        --source "lmsysorg/sglang:v0.5.10-rocm700-mi30x (sha256:...)" \
        --commit v0.5.10 --date 2026-04-01 \
        < hack/sglang-catalog/dump.py > webhook/sglang/data/0.5.10.tsv

It builds SGLang's own argument parser (ServerArgs.add_cli_args) and writes
every option of it: spellings, whether it takes values, nargs, choices
(already expanded by SGLang: parser names, load formats...) and whether it is
deprecated. Nothing is parsed from source text, so the catalog is what the
release's argparse accepts.
"""

import argparse
import datetime
import sys

HEADER = "flag\taliases\tkind\tnargs\tchoices\tstatus"
SWITCH_ACTIONS = (
    argparse._StoreTrueAction,
    argparse._StoreFalseAction,
    argparse._StoreConstAction,
    argparse._CountAction,
    argparse._AppendConstAction,
)


def main():
    opts = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    opts.add_argument("--source", required=True, help="what was read: image and digest, or repository and path")
    opts.add_argument("--commit", required=True, help="the tag or commit of that source")
    opts.add_argument("--date", required=True, help="the date of that release (YYYY-MM-DD)")
    opts.add_argument("--note", action="append", default=[], help="a caveat to record (repeatable)")
    args = opts.parse_args(sys.argv[1:])

    import sglang
    from sglang.srt.server_args import ServerArgs

    parser = argparse.ArgumentParser()
    ServerArgs.add_cli_args(parser)

    out = [
        "# SGLang %s: the flags of `python3 -m sglang.launch_server`, written by hack/sglang-catalog/dump.py" % release(sglang.__version__),
        "# release: %s" % release(sglang.__version__),
        "# source: %s" % args.source,
        "# commit: %s" % args.commit,
        "# date: %s" % args.date,
        "# retrieved: %s" % datetime.date.today().isoformat(),
    ]
    out += ["# note: %s" % n for n in args.note]
    out.append(HEADER)
    for action in parser._actions:
        row = describe(action)
        if row is not None:
            out.append("\t".join(row))
    sys.stdout.write("\n".join(out) + "\n")


def release(version):
    """0.5.10.post1 and 0.5.10rc0 are catalogued as 0.5.10."""
    parts = version.split(".")
    patch = "".join(c for c in parts[2] if c.isdigit()) if len(parts) > 2 else "0"
    return "%s.%s.%s" % (parts[0], parts[1], patch)


def describe(action):
    longs = [s for s in action.option_strings if s.startswith("--")]
    if not longs or isinstance(action, argparse._HelpAction):
        return None
    negatable = isinstance(action, argparse.BooleanOptionalAction)
    if negatable:
        longs = [s for s in longs if not s.startswith("--no-")]
    canonical = "--" + action.dest.replace("_", "-")
    if canonical not in longs:
        canonical = longs[0]
    aliases = [s for s in action.option_strings if s != canonical and not (negatable and s.startswith("--no-"))]
    if negatable:
        kind = "negatable"
    elif isinstance(action, SWITCH_ACTIONS) or action.nargs == 0:
        kind = "switch"
    else:
        kind = "value"
    nargs = ""
    if kind == "value" and action.nargs not in (None, 1):
        if action.nargs not in ("?", "*", "+"):
            raise SystemExit("%s: nargs=%r is not supported by the catalog format" % (canonical, action.nargs))
        nargs = action.nargs
    choices = ""
    if kind == "value" and action.choices is not None:
        choices = ",".join(str(c) for c in action.choices)
    deprecated = "Deprecated" in type(action).__name__ or "deprecated" in (action.help or "").lower()[:80]
    return [canonical, ",".join(aliases), kind, nargs, choices, "deprecated" if deprecated else ""]


if __name__ == "__main__":
    main()
