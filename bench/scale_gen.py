#!/usr/bin/env python3
"""Writes the inputs of bench/scale.sh under bench/results/scale/ (git-ignored).

  corpus-1x/, corpus-10x/, corpus-50x/   ../shared/corpus copied 1, 10 and 50 times (copy-00, copy-01, ...)
  nginx-1000/, nginx-10000/              one nginx.conf with that many server blocks
  compose-10000/, compose-20000/         one compose file with that many services (a few build a Dockerfile)
  torrc-1000/, torrc-10000/              one torrc with that many HiddenServiceDir/HiddenServicePort blocks

Usage: bench/scale_gen.py [--corpus PATH] [--copies 1,10,50] [--out DIR]
The generated files are deterministic (no randomness, no clock), so two runs write the same bytes; an input that
already exists is left alone unless --force.
"""
import argparse
import os
import shutil
import sys


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def nginx_conf(servers):
    """An http{} with inherited directives (server_tokens, add_header, proxy_set_header, ssl_protocols, resolver) and
    `servers` server blocks: listen (some ssl, some default_server), server_name, locations with proxy_pass, root,
    alias, a set/rewrite with captures, and a few add_header / ssl_protocols overrides that stop inheritance."""
    out = [
        "user nginx;",
        "worker_processes auto;",
        "pid /run/nginx.pid;",
        "",
        "events {",
        "    worker_connections 1024;",
        "}",
        "",
        "http {",
        "    sendfile on;",
        "    tcp_nopush on;",
        "    keepalive_timeout 65;",
        "    server_tokens off;",
        "    client_max_body_size 10m;",
        "    ssl_protocols TLSv1.2 TLSv1.3;",
        "    ssl_prefer_server_ciphers on;",
        "    access_log /var/log/nginx/access.log;",
        "    error_log /var/log/nginx/error.log warn;",
        "    add_header X-Frame-Options SAMEORIGIN always;",
        "    add_header X-Content-Type-Options nosniff always;",
        "    add_header Referrer-Policy no-referrer always;",
        "    proxy_set_header Host $host;",
        "    proxy_set_header X-Real-IP $remote_addr;",
        "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "    proxy_http_version 1.1;",
        "    gzip on;",
        "",
    ]
    upstreams = max(1, min(200, servers // 10))
    for u in range(upstreams):
        out += [
            f"    upstream app{u} {{",
            f"        server 10.{u // 250}.{u % 250}.10:8080;",
            f"        server 10.{u // 250}.{u % 250}.11:8080 backup;",
            "        keepalive 16;",
            "    }",
            "",
        ]
    for i in range(servers):
        up = i % upstreams
        ssl = i % 3 == 0
        out.append("    server {")
        if ssl:
            out.append(f"        listen 443 ssl{' default_server' if i == 0 else ''};")
            out.append("        listen [::]:443 ssl;")
            out.append(f"        ssl_certificate /etc/ssl/site{i}.crt;")
            out.append(f"        ssl_certificate_key /etc/ssl/site{i}.key;")
            if i % 97 == 0:
                out.append("        ssl_protocols TLSv1 TLSv1.1 TLSv1.2;")
        else:
            out.append(f"        listen 80{' default_server' if i == 1 else ''};")
            out.append("        listen [::]:80;")
        out.append(f"        server_name site{i}.example.com www.site{i}.example.com;")
        out.append(f"        root /srv/www/site{i};")
        out.append("        index index.html;")
        if i % 50 == 7:
            out.append('        add_header Strict-Transport-Security "max-age=31536000" always;')
        if i % 200 == 11:
            out.append("        server_tokens on;")
        out += [
            "        location / {",
            f"            proxy_pass http://app{up};",
            "            proxy_set_header Connection \"\";",
            "        }",
            "        location /static/ {",
            f"            alias /srv/static/site{i}/;",
            "            expires 7d;",
            "        }",
            "        location ~ ^/api/v(\\d+)/(.*)$ {",
            "            set $api_version $1;",
            f"            proxy_pass http://app{up}/api/$api_version/$2;",
            "        }",
            "        location = /healthz {",
            "            access_log off;",
            "            return 200 \"ok\";",
            "        }",
        ]
        if i % 10 == 3:
            out += [
                "        location /admin/ {",
                "            allow 10.0.0.0/8;",
                "            deny all;",
                f"            proxy_pass http://app{up};",
                "        }",
            ]
        if i % 25 == 5:
            out += [
                "        location /files/ {",
                "            autoindex on;",
                "        }",
            ]
        if not ssl and i % 4 == 1:
            out.append("        if ($host != $server_name) { return 444; }")
        out.append("    }")
        out.append("")
    out.append("}")
    return "\n".join(out) + "\n"


DOCKERFILE = """FROM python:3.12-slim AS build
WORKDIR /src
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .

FROM python:3.12-slim
RUN useradd -r -u 10001 app
WORKDIR /app
COPY --from=build /src /app
USER app
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["python", "-m", "app"]
"""


def compose(services, builds):
    """A compose file with `services` services on 8 networks (2 internal): ports (loopback and all-interfaces, some
    ranges), volumes (named, bind, read-only), environment, depends_on, and `builds` services built from their own
    Dockerfile (written beside it)."""
    nets = [f"net{n}" for n in range(8)]
    out = ["name: scale", "", "services:"]
    build_every = max(1, services // builds) if builds else 0
    for i in range(services):
        name = f"svc{i:05d}"
        out.append(f"  {name}:")
        if build_every and i % build_every == 0:
            out += [
                "    build:",
                f"      context: ./build/{name}",
                "      args:",
                "        APP_VERSION: \"1.0\"",
            ]
        elif i % 5 == 0:
            out.append("    image: nginx:1.27-alpine")
        elif i % 5 == 1:
            out.append("    image: postgres:16")
        else:
            out.append(f"    image: registry.example.com/team{i % 40}/app:{i % 7}.{i % 3}")
        out.append("    restart: unless-stopped")
        port = 10000 + i
        if i % 4 == 0:
            out += ["    ports:", f'      - "127.0.0.1:{port}:8080"']
        elif i % 4 == 1:
            out += ["    ports:", f'      - "{port}:8080"', f'      - "{port + 30000}:9090/udp"'] if port + 30000 < 65536 else ["    ports:", f'      - "{port}:8080"']
        elif i % 4 == 2:
            out += ["    expose:", '      - "8080"']
        out += [
            "    volumes:",
            f"      - data{i % 100}:/var/lib/app",
            f"      - ./conf/{name}.conf:/etc/app/app.conf:ro",
        ]
        if i % 50 == 9:
            out.append("      - /var/run/docker.sock:/var/run/docker.sock")
        out += ["    networks:", f"      - {nets[i % 8]}"]
        if i % 3 == 0:
            out.append(f"      - {nets[(i + 1) % 8]}")
        out += ["    environment:", f"      APP_NAME: {name}", "      LOG_LEVEL: info"]
        if i > 0 and i % 10 != 0:
            out += ["    depends_on:", f"      - svc{i - i % 10:05d}"]
        if i % 6 == 0:
            out += ["    read_only: true", "    cap_drop: [ALL]", "    security_opt: [\"no-new-privileges:true\"]"]
        if i % 100 == 17:
            out.append("    privileged: true")
    out += ["", "networks:"]
    for n, net in enumerate(nets):
        out.append(f"  {net}:")
        if n >= 6:
            out.append("    internal: true")
    out += ["", "volumes:"]
    for v in range(100):
        out.append(f"  data{v}:")
    return "\n".join(out) + "\n"


def torrc(blocks):
    """A torrc for an onion-service host: client ports off, a control port, logging, and `blocks`
    HiddenServiceDir/HiddenServicePort blocks (some with two ports, some on a non-loopback address)."""
    out = [
        "SocksPort 0",
        "ControlPort 127.0.0.1:9051",
        "CookieAuthentication 1",
        "DataDirectory /var/lib/tor",
        "Log notice file /var/log/tor/notices.log",
        "SafeLogging 1",
        "",
    ]
    for i in range(blocks):
        out.append(f"HiddenServiceDir /var/lib/tor/hs{i:05d}/")
        out.append(f"HiddenServicePort 80 127.0.0.1:{8000 + i % 1000}")
        if i % 4 == 0:
            out.append(f"HiddenServicePort 443 127.0.0.1:{9000 + i % 1000}")
        if i % 50 == 3:
            out.append(f"HiddenServicePort 22 192.168.{i % 250}.5:22")
        if i % 10 == 0:
            out.append("HiddenServiceMaxStreams 100")
        out.append("")
    return "\n".join(out) + "\n"


def copy_corpus(src, dest, copies):
    tmp = dest + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for c in range(copies):
        shutil.copytree(src, os.path.join(tmp, f"copy-{c:02d}"), symlinks=True)
    os.rename(tmp, dest)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser()
    p.add_argument("--corpus", default=os.path.join(here, "..", "..", "shared", "corpus"))
    p.add_argument("--copies", default="1,10,50")
    p.add_argument("--out", default=os.path.join(here, "results", "scale"))
    p.add_argument("--force", action="store_true")
    a = p.parse_args()

    def fresh(path):
        if os.path.exists(path) and not a.force:
            return False
        shutil.rmtree(path, ignore_errors=True)
        return True

    os.makedirs(a.out, exist_ok=True)
    if os.path.isdir(a.corpus):
        for copies in (int(c) for c in a.copies.split(",") if c):
            dest = os.path.join(a.out, f"corpus-{copies}x")
            if fresh(dest):
                copy_corpus(a.corpus, dest, copies)
    else:
        print(f"scale_gen: no corpus at {a.corpus}; corpus inputs skipped", file=sys.stderr)

    for n in (1000, 10000):
        dest = os.path.join(a.out, f"nginx-{n}")
        if fresh(dest):
            write(os.path.join(dest, "nginx.conf"), nginx_conf(n))

    for n in (10000, 20000):
        dest = os.path.join(a.out, f"compose-{n}")
        if fresh(dest):
            builds = n // 1000
            write(os.path.join(dest, "compose.yaml"), compose(n, builds))
            step = max(1, n // builds)
            for i in range(0, n, step):
                name = f"svc{i:05d}"
                write(os.path.join(dest, "build", name, "Dockerfile"), DOCKERFILE)
                write(os.path.join(dest, "build", name, "requirements.txt"), "flask==3.0.3\n")

    for n in (1000, 10000):
        dest = os.path.join(a.out, f"torrc-{n}")
        if fresh(dest):
            write(os.path.join(dest, "torrc"), torrc(n))


if __name__ == "__main__":
    main()
