FROM ubuntu:22.04
ENV SQUID_VERSION=5.2
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y squid-openssl=${SQUID_VERSION}* \
 && rm -rf /var/lib/apt/lists/*
COPY entrypoint.sh /sbin/entrypoint.sh
ENTRYPOINT ["/sbin/entrypoint.sh"]
