FROM alpine:3.20
ADD torrc /etc/tor/torrc
ADD https://example.org/tor.tar.gz /tmp/
