#!/usr/bin/env python3
"""Probes the installed nginx (`nginx -t`) for each directive's contexts, arity and block form.

Prints one line per directive nginx knows: `name context:arity[:block] ...`, one entry per context it is allowed in
(main, events, http, server, sif = if in server, location, lif = if in location, limit_except, upstream). arity is the
argument counts nginx does not reject with "invalid number of arguments": `2`, `1-2`, `1+` (9 arguments stand for
"any number"), or a list `1,3`; `:block` marks a directive that needs a `{}` block in that context.
The facts come from nginx's own error messages, not from its source:
  "... directive is not allowed here"           -> not in that context
  "invalid number of arguments in ... directive" -> that argument count is refused
  "directive ... has no opening "{""             -> a block directive
Usage: tools/probe-nginx-directives.py NAMES_FILE > table.txt   (names one a line; run as a user nginx -t can run as)
"""
import concurrent.futures, os, subprocess, sys, tempfile

CONTEXTS = ["main", "events", "http", "server", "sif", "location", "lif", "limit_except", "upstream"]

SKELETON = """pid {w}/nginx.pid;
error_log {w}/error.log;
events {{ {events} }}
http {{
  access_log off;
  {http}
  upstream probe_u {{ server 127.0.0.1:1; {upstream} }}
  server {{
    listen 127.0.0.1:8099;
    {server}
    if ($request_method = POST) {{ {sif} }}
    location /probe/ {{
      {location}
      if ($request_method = POST) {{ {lif} }}
      limit_except GET {{ {limit_except} }}
    }}
  }}
}}
{main}
"""

def run(statement, context):
    with tempfile.TemporaryDirectory() as w:
        parts = {c: "" for c in CONTEXTS}
        parts[context] = statement
        conf = os.path.join(w, "nginx.conf")
        with open(conf, "w") as f:
            f.write(SKELETON.format(w=w, **parts))
        p = subprocess.run(["nginx", "-t", "-q", "-c", conf, "-p", w], capture_output=True, text=True, timeout=20)
        return p.returncode == 0, p.stderr

def encode(counts):
    if not counts:
        return "-"
    if counts[-1] == 9 and counts == list(range(counts[0], 10)):
        return f"{counts[0]}+"
    if counts == list(range(counts[0], counts[-1] + 1)):
        return str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
    return ",".join(map(str, counts))

def probe(name):
    ok, err = run(f"{name} x;", "http")
    if "unknown directive" in err:
        return None
    entries = []
    for c in CONTEXTS:
        _, err = run(f"{name} x;", c)
        if "is not allowed here" in err:
            continue
        block = "has no opening" in err
        counts = []
        for n in range(0, 10):
            args = " ".join(["x"] * n)
            _, err = run(f"{name} {args} {{}}" if block else f"{name} {args};", c)
            if "invalid number of arguments" not in err:
                counts.append(n)
        entries.append(f"{c}:{encode(counts)}{':block' if block else ''}")
    return f"{name} {' '.join(entries)}"

names = [l.strip() for l in open(sys.argv[1]) if l.strip()]
with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
    for line in pool.map(probe, names):
        if line:
            print(line, flush=True)
