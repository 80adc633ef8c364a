FROM alpine:3.20
COPY torrc /etc/tor/torrc
COPY keys/hs_ed25519_public_key /usr/share/onion/
